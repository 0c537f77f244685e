/* The browser build's copy of stb_image_write: natively libstb (Debian's
   libstb-dev) provides it, a host library WebAssembly cannot link. */
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
