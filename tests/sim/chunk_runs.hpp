// Consecutive chunks of one side of a transcript are one run of that side's
// stream: what a reader of that side could get in one read, and so where an
// engine must give the same events wherever the run is cut.
#pragma once

#include <vector>

namespace mailscope::test {

// `Chunk` has a direction `dir` and the `bytes` sent.
template <typename Chunk>
std::vector<Chunk> runs_of(const std::vector<Chunk>& chunks) {
    std::vector<Chunk> runs;
    for (const auto& chunk : chunks) {
        if (!runs.empty() && runs.back().dir == chunk.dir) {
            runs.back().bytes += chunk.bytes;
        } else {
            runs.push_back(chunk);
        }
    }
    return runs;
}

}  // namespace mailscope::test
