// A screenshot needs no screen: without one, `mailscope gui` runs itself
// again inside a virtual X server (xvfb-run).
#pragma once

namespace mailscope::gui {

// Whether an X or Wayland display is named in the environment.
bool has_display();

// Replaces this process with the same command line under `xvfb-run` with a
// screen of `width` x `height`. Returns only when that is impossible (no
// xvfb-run, or already inside one).
void rerun_under_xvfb(int width, int height);

}  // namespace mailscope::gui
