#include "sim/imap/extended_forms.hpp"

#include <algorithm>
#include <array>
#include <type_traits>
#include <variant>

namespace mailscope::imap {

namespace {

enum class Form : std::uint8_t {
    Literal8Append,
    Utf8Append,
    MultiAppend,  // APPEND with more than one message
    Catenate,     // APPEND with CATENATE (...) for a message
    ListPatterns,
    ListOption,    // a selection or return option of LIST, by `option`
    SearchOption,  // a RETURN option of SEARCH, by `option`
    SortReturn,    // SORT RETURN (...)
    SortOption,    // a RETURN option of SORT, by `option`
    SavedResult,   // "$" for a message set
    StatusItem,    // a STATUS data item, by `option`
    FetchBinary,   // BINARY[...], BINARY.PEEK[...] or BINARY.SIZE[...]
    SelectParam,   // a parameter of SELECT or EXAMINE, by `option`
    FetchModSeq,   // the MODSEQ item or the CHANGEDSINCE modifier of FETCH
    FetchVanished,
    StoreUnchangedSince,
    SearchModSeq,  // the MODSEQ search key, anywhere in the criteria
};

struct FormRow {
    Form form;
    std::string_view option;
    ExtendedForm rule;
};

// RFC 5258 3: "each option will be enabled by a capability string (one
// capability may enable multiple options), and a client MUST NOT send an
// option for which the server has not advertised support". A row says
// whether IMAP4rev2 folded the form in (RFC 9051 appendix E): it took
// BINARY's FETCH side but not its APPEND, whose grammar there has no
// literal8 (RFC 9051 9). Options that no row names are left alone: their
// capability is unknown here.
constexpr std::array<FormRow, 36> forms{{
    {Form::MultiAppend,
     {},
     {"APPEND with more than one message", {"MULTIAPPEND", "RFC 3502 6.3.11", false}}},
    {Form::Catenate, {}, {"APPEND with CATENATE (...)", {"CATENATE", "RFC 4469 5", false}}},
    {Form::Literal8Append,
     {},
     {"APPEND with a literal8 ~{n} message", {"BINARY", "RFC 3516 4.4", false}}},
    {Form::Utf8Append,
     {},
     {"APPEND with UTF8 (~{n})", {"UTF8=ACCEPT", "RFC 6855 4", false}, "UTF8=ONLY"}},
    {Form::ListPatterns,
     {},
     {"LIST with a list of patterns", {"LIST-EXTENDED", "RFC 5258 3", true}}},
    {Form::ListOption,
     "SUBSCRIBED",
     {"LIST option SUBSCRIBED", {"LIST-EXTENDED", "RFC 5258 3", true}}},
    {Form::ListOption, "REMOTE", {"LIST option REMOTE", {"LIST-EXTENDED", "RFC 5258 3", true}}},
    {Form::ListOption,
     "RECURSIVEMATCH",
     {"LIST option RECURSIVEMATCH", {"LIST-EXTENDED", "RFC 5258 3", true}}},
    {Form::ListOption, "CHILDREN", {"LIST option CHILDREN", {"LIST-EXTENDED", "RFC 5258 3", true}}},
    {Form::ListOption,
     "STATUS",
     {"LIST ... RETURN (STATUS ...)", {"LIST-STATUS", "RFC 5819 2", true}}},
    {Form::ListOption,
     "SPECIAL-USE",
     {"LIST option SPECIAL-USE", {"SPECIAL-USE", "RFC 6154 2", false}}},
    {Form::SearchOption, "MIN", {"SEARCH RETURN (MIN)", {"ESEARCH", "RFC 4731 1", true}}},
    {Form::SearchOption, "MAX", {"SEARCH RETURN (MAX)", {"ESEARCH", "RFC 4731 1", true}}},
    {Form::SearchOption, "ALL", {"SEARCH RETURN (ALL)", {"ESEARCH", "RFC 4731 1", true}}},
    {Form::SearchOption, "COUNT", {"SEARCH RETURN (COUNT)", {"ESEARCH", "RFC 4731 1", true}}},
    // RETURN () is RETURN (ALL) (RFC 4731 3.1).
    {Form::SearchOption, "", {"SEARCH RETURN ()", {"ESEARCH", "RFC 4731 3.1", true}}},
    {Form::SearchOption, "SAVE", {"SEARCH RETURN (SAVE)", {"SEARCHRES", "RFC 5182 2.1", true}}},
    // RFC 5267 4.1: CONTEXT=SEARCH brings three return options, CONTEXT=SORT
    // the same three and the extended SORT of section 3, which ESORT brings
    // with the options of ESEARCH (3.1). PARTIAL alone is RFC 9394's.
    {Form::SearchOption,
     "CONTEXT",
     {"SEARCH RETURN (CONTEXT)", {"CONTEXT=SEARCH", "RFC 5267 4.1", false}}},
    {Form::SearchOption,
     "UPDATE",
     {"SEARCH RETURN (UPDATE)", {"CONTEXT=SEARCH", "RFC 5267 4.1", false}}},
    {Form::SearchOption,
     "PARTIAL",
     {"SEARCH RETURN (PARTIAL)", {"CONTEXT=SEARCH", "RFC 5267 4.1", false}, "PARTIAL"}},
    {Form::SortReturn, {}, {"SORT RETURN (...)", {"ESORT", "RFC 5267 3.1", false}, "CONTEXT=SORT"}},
    {Form::SortOption,
     "CONTEXT",
     {"SORT RETURN (CONTEXT)", {"CONTEXT=SORT", "RFC 5267 4.1", false}}},
    {Form::SortOption, "UPDATE", {"SORT RETURN (UPDATE)", {"CONTEXT=SORT", "RFC 5267 4.1", false}}},
    {Form::SortOption,
     "PARTIAL",
     {"SORT RETURN (PARTIAL)", {"CONTEXT=SORT", "RFC 5267 4.1", false}, "PARTIAL"}},
    {Form::SavedResult, {}, {"the message set \"$\"", {"SEARCHRES", "RFC 5182 2.1", true}}},
    {Form::StatusItem, "SIZE", {"STATUS item SIZE", {"STATUS=SIZE", "RFC 8438 3", true}}},
    // RFC 9208 4.1.4 defines DELETED too, for servers with QUOTA=RES-MESSAGE.
    {Form::StatusItem,
     "DELETED",
     {"STATUS item DELETED", {"IMAP4rev2", "RFC 9051 6.3.11", false}, "QUOTA=RES-MESSAGE"}},
    {Form::StatusItem,
     "DELETED-STORAGE",
     {"STATUS item DELETED-STORAGE", {"QUOTA=RES-STORAGE", "RFC 9208 4.1.4", false}}},
    {Form::FetchBinary,
     {},
     {"FETCH BINARY[...] or BINARY.SIZE[...]", {"BINARY", "RFC 3516 4.2", true}}},
    // A server that lists QRESYNC supports CONDSTORE as well (RFC 7162 3.2).
    {Form::StatusItem,
     "HIGHESTMODSEQ",
     {"STATUS item HIGHESTMODSEQ", {"CONDSTORE", "RFC 7162 3.1.7", false}, "QRESYNC"}},
    {Form::SelectParam,
     "CONDSTORE",
     {"SELECT parameter CONDSTORE", {"CONDSTORE", "RFC 7162 3.1.8", false}, "QRESYNC"}},
    {Form::SelectParam,
     "QRESYNC",
     {"SELECT parameter QRESYNC", {"QRESYNC", "RFC 7162 3.2.5", false}}},
    {Form::FetchModSeq,
     {},
     {"FETCH MODSEQ or (CHANGEDSINCE n)", {"CONDSTORE", "RFC 7162 3.1.4", false}, "QRESYNC"}},
    {Form::FetchVanished,
     {},
     {"UID FETCH ... (CHANGEDSINCE n VANISHED)", {"QRESYNC", "RFC 7162 3.2.6", false}}},
    {Form::StoreUnchangedSince,
     {},
     {"STORE (UNCHANGEDSINCE n)", {"CONDSTORE", "RFC 7162 3.1.3", false}, "QRESYNC"}},
    {Form::SearchModSeq,
     {},
     {"the search key MODSEQ", {"CONDSTORE", "RFC 7162 3.1.5", false}, "QRESYNC"}},
}};

// The catalogue's name of a form whose `what` holds English words. A row
// named by wire words alone keeps them: see form_said.
sim::Phrase form_phrase(Form form) {
    switch (form) {
        case Form::MultiAppend:
            return sim::Phrase::FormMultiAppend;
        case Form::Catenate:
            return sim::Phrase::FormCatenate;
        case Form::Literal8Append:
            return sim::Phrase::FormLiteral8Append;
        case Form::Utf8Append:
            return sim::Phrase::FormUtf8Append;
        case Form::ListPatterns:
            return sim::Phrase::FormListPatterns;
        case Form::ListOption:
            return sim::Phrase::FormListOption;
        case Form::FetchBinary:
            return sim::Phrase::FormFetchBinary;
        case Form::FetchModSeq:
            return sim::Phrase::FormFetchModSeq;
        case Form::SavedResult:
            return sim::Phrase::FormSavedResult;
        case Form::SearchModSeq:
            return sim::Phrase::FormSearchModSeq;
        case Form::StatusItem:
            return sim::Phrase::FormStatusItem;
        case Form::SelectParam:
            return sim::Phrase::FormSelectParam;
        case Form::SearchOption:
        case Form::SortReturn:
        case Form::SortOption:
        case Form::FetchVanished:
        case Form::StoreUnchangedSince:
            break;
    }
    return sim::Phrase::Verbatim;
}

// An empty `name` stands for the empty list, RETURN ().
bool has_option(const std::optional<CommandOptions>& options, std::string_view name) {
    if (!options) return false;
    return name.empty() ? options->empty() : imap::has_option(*options, name);
}

bool names_saved_result(const std::vector<SearchKey>& keys) {
    return std::any_of(keys.begin(), keys.end(), [](const SearchKey& key) {
        return key.set.saved || names_saved_result(key.children);
    });
}

// "$" in place of a message set (RFC 5182 3: sequence-set =/ seq-last-command).
bool uses_saved_result(const Command& command) {
    return std::visit(
        [](const auto& args) {
            using T = std::decay_t<decltype(args)>;
            if constexpr (std::is_same_v<T, SearchArgs>) {
                return names_saved_result(args.keys);
            } else if constexpr (requires { args.set; }) {
                return args.set.saved;
            } else {
                return false;
            }
        },
        command.typed);
}

bool uses(const Command& command, const FormRow& row) {
    const auto* append = std::get_if<AppendArgs>(&command.typed);
    const auto* list = std::get_if<ListArgs>(&command.typed);
    const auto* search = std::get_if<SearchArgs>(&command.typed);
    const auto* fetch = std::get_if<FetchArgs>(&command.typed);
    switch (row.form) {
        case Form::MultiAppend:
            return append && append->messages.size() > 1;
        case Form::Literal8Append:
            return append && std::any_of(append->messages.begin(), append->messages.end(),
                                         [](const AppendMessage& m) { return m.binary; });
        case Form::Catenate:
            return append &&
                   std::any_of(append->messages.begin(), append->messages.end(),
                               [](const AppendMessage& m) { return !m.catenate.empty(); });
        case Form::Utf8Append:
            return append && std::any_of(append->messages.begin(), append->messages.end(),
                                         [](const AppendMessage& m) { return m.sends_utf8(); });
        case Form::ListPatterns:
            return list && list->pattern_list;
        case Form::ListOption:
            return list && !row.option.empty() &&
                   (has_option(list->select_options, row.option) ||
                    has_option(list->return_options, row.option));
        case Form::SearchOption:
            return search && has_option(search->return_options, row.option);
        case Form::SortReturn:
        case Form::SortOption: {
            const auto* sort = std::get_if<SortArgs>(&command.typed);
            if (!sort || !sort->return_options) return false;
            return row.form == Form::SortReturn || has_option(sort->return_options, row.option);
        }
        case Form::SavedResult:
            return uses_saved_result(command);
        case Form::FetchBinary:
            return fetch &&
                   std::any_of(fetch->atts.begin(), fetch->atts.end(), [](const FetchAtt& att) {
                       return att.kind == FetchAtt::Kind::Binary ||
                              att.kind == FetchAtt::Kind::BinarySize;
                   });
        case Form::FetchModSeq:
            return fetch &&
                   (fetch->changed_since ||
                    std::any_of(fetch->atts.begin(), fetch->atts.end(), [](const FetchAtt& att) {
                        return att.kind == FetchAtt::Kind::ModSeq;
                    }));
        case Form::FetchVanished:
            return fetch && fetch->vanished;
        case Form::StoreUnchangedSince: {
            const auto* store = std::get_if<StoreArgs>(&command.typed);
            return store && store->unchanged_since;
        }
        case Form::SearchModSeq:
            if (search) return searches_by_modseq(search->keys);
            if (const auto* sort = std::get_if<SortArgs>(&command.typed))
                return searches_by_modseq(sort->keys);
            return false;
        case Form::SelectParam: {
            const auto* select = std::get_if<MailboxArgs>(&command.typed);
            return select && has_option(select->select_params, row.option);
        }
        case Form::StatusItem:
            if (const auto* status = std::get_if<StatusArgs>(&command.typed)) {
                return std::any_of(
                    status->items.begin(), status->items.end(),
                    [&](const std::string& item) { return iequals(item, row.option); });
            }
            return false;
    }
    return false;
}

}  // namespace

bool searches_by_modseq(const std::vector<SearchKey>& keys) {
    return std::any_of(keys.begin(), keys.end(), [](const SearchKey& key) {
        return key.kind == SearchKey::Kind::ModSeq || searches_by_modseq(key.children);
    });
}

std::vector<ExtendedForm> extended_forms(const Command& command) {
    std::vector<ExtendedForm> found;
    for (const auto& row : forms) {
        if (!uses(command, row)) continue;
        ExtendedForm form = row.rule;
        form.phrase = form_phrase(row.form);
        form.option = row.option;
        found.push_back(form);
    }
    return found;
}

sim::Said form_said(const ExtendedForm& form) {
    // A phrase that does not read as the row's name (LIST's STATUS option is
    // named "LIST ... RETURN (STATUS ...)") leaves the name as it is.
    sim::Said said = sim::say(form.phrase, form.option);
    if (form.phrase == sim::Phrase::Verbatim || sim::render(said, sim::Language::En) != form.what)
        return sim::verbatim(std::string(form.what));
    return said;
}

}  // namespace mailscope::imap
