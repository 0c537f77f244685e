#include "gui/export.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "gui/sequence_svg.hpp"
#include "sim/core/handout.hpp"
#include "sim/core/transcript.hpp"

namespace mailscope::gui {

std::string export_file_name(ExportKind kind, std::string_view label, std::uint64_t cursor) {
    std::string name;
    for (const char c : label.substr(0, 64)) {
        const bool keep =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (keep) {
            name += c;
        } else if (!name.empty() && name.back() != '-') {
            name += '-';
        }
    }
    if (name.empty()) name = "session";
    const char* extension = "txt";
    switch (kind) {
        case ExportKind::Jsonl:
            extension = "jsonl";
            break;
        case ExportKind::Svg:
            extension = "svg";
            break;
        case ExportKind::Png:
            extension = "png";
            break;
        case ExportKind::SequencePng:
            extension = "sequence.png";
            break;
        case ExportKind::Html:
            extension = "html";
            break;
        case ExportKind::Mermaid:
            extension = "mmd";
            break;
        case ExportKind::Text:
        case ExportKind::None:
            break;
    }
    return fmt::format("mailscope-{}-{}.{}", name, cursor, extension);
}

sim::SessionTrace trace_prefix(const sim::SessionTrace& trace, std::uint64_t through) {
    sim::SessionTrace prefix(trace.protocol(), trace.label());
    for (const sim::TraceEvent& event : trace.events()) {
        if (event.seq > through) break;
        prefix.append(event);
    }
    return prefix;
}

std::string write_file(const std::string& path, std::string_view contents) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return fmt::format("{} cannot be opened for writing: {}", path, std::strerror(errno));
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) return fmt::format("writing {} failed", path);
    return {};
}

std::string write_export(ExportKind kind, const sim::SessionTrace& trace, std::uint64_t through,
                         Language language, const std::string& title, const std::string& path) {
    switch (kind) {
        case ExportKind::Text:
            return write_file(path, sim::export_text(trace_prefix(trace, through)));
        case ExportKind::Jsonl:
            return write_file(path, sim::export_jsonl(trace_prefix(trace, through)));
        case ExportKind::Svg: {
            SvgOptions options;
            options.language = language;
            options.title = title;
            options.through = through;
            return write_file(path, sequence_svg(trace, options));
        }
        case ExportKind::Html:
        case ExportKind::Mermaid: {
            const sim::HandoutPart part{&trace, {}, trace.first_seq(), through};
            const sim::HandoutOptions handout{language, title};
            return write_file(path, kind == ExportKind::Html
                                        ? sim::handout_html({&part, 1}, handout)
                                        : sim::handout_mermaid({&part, 1}, handout));
        }
        case ExportKind::Png:
        case ExportKind::SequencePng:
        case ExportKind::None:
            break;
    }
    return "this export needs the window";
}

}  // namespace mailscope::gui
