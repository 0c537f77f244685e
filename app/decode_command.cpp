#include "app/decode_command.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "app/decode_capture.hpp"
#include "app/session_decoder.hpp"
#include "net/capture_file.hpp"
#include "sim/core/catalogue.hpp"
#include "sim/core/transcript.hpp"

namespace mailscope::app {

int run_decode(const DecodeOptions& options) {
    std::ifstream in(options.file, std::ios::binary);
    if (!in) {
        std::cerr << sim::render(
                         sim::say(sim::Phrase::CliCannotRead, "mailscope decode", options.file),
                         options.language)
                  << "\n";
        return 2;
    }
    char head[4] = {};
    in.read(head, sizeof head);
    if (transport::is_capture_magic(std::string_view(head, static_cast<std::size_t>(in.gcount()))))
        return run_decode_capture(options);
    in.clear();
    in.seekg(0);

    DecodeSource source;
    source.out = &std::cout;
    source.errors = &std::cerr;
    source.where = [&](std::size_t line) { return fmt::format("{}:{}", options.file, line); };
    SessionDecoder decoder(options, std::move(source));
    sim::TranscriptReader reader;
    std::string line;
    while (std::getline(in, line)) {
        if (auto error = reader.add_line(line)) {
            std::cerr << fmt::format("{}:{}: {}\n", options.file, error->line,
                                     sim::render(error->reason, options.language));
            return 1;
        }
        for (auto& chunk : reader.take_chunks())
            decoder.add(std::move(chunk));
    }
    reader.finish();
    for (auto& chunk : reader.take_chunks())
        decoder.add(std::move(chunk));
    return decoder.finish();
}

}  // namespace mailscope::app
