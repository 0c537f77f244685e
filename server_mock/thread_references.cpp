#include "server_mock/thread_references.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>

#include "sim/core/ascii.hpp"

namespace mailscope::server {

namespace {

// RFC 5322 3.2.3 atext, with the UTF-8 of RFC 6532 3.2.
bool is_atext(char c) {
    constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    const auto octet = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ascii::is_digit(c) ||
           octet >= 0x80 || specials.find(c) != std::string_view::npos;
}

// RFC 5322 3.4.1 dtext: printable, but no brackets or backslash.
bool is_dtext(char c) {
    return c >= '!' && c <= '~' && c != '[' && c != ']' && c != '\\';
}

// Moves `at` past the atom or quoted-string there, appending its content
// with the quotes and the backslashes of quoted-pairs removed.
bool read_word(std::string_view text, std::size_t& at, std::string& content) {
    if (at < text.size() && text[at] == '"') {
        std::string unquoted;
        for (std::size_t i = at + 1; i < text.size(); ++i) {
            char c = text[i];
            if (c == '"') {
                content += unquoted;
                at = i + 1;
                return true;
            }
            if (c == '\\') {
                if (++i == text.size()) return false;
                c = text[i];
            } else if (static_cast<unsigned char>(c) < ' ' && c != '\t') {
                return false;
            }
            unquoted += c;
        }
        return false;
    }
    const std::size_t begin = at;
    while (at < text.size() && is_atext(text[at]))
        ++at;
    content.append(text.substr(begin, at - begin));
    return at > begin;
}

// Moves `at` past the dot-atom-text or no-fold-literal there.
bool skip_id_right(std::string_view text, std::size_t& at) {
    std::size_t i = at;
    if (i < text.size() && text[i] == '[') {
        ++i;
        while (i < text.size() && is_dtext(text[i]))
            ++i;
        if (i == text.size() || text[i] != ']') return false;
        at = i + 1;
        return true;
    }
    while (true) {
        const std::size_t atom = i;
        while (i < text.size() && is_atext(text[i]))
            ++i;
        if (i == atom) return false;
        if (i == text.size() || text[i] != '.') break;
        ++i;
    }
    at = i;
    return true;
}

// The normalized msg-id whose "<" is at `at`; `at` then moves past its ">".
std::optional<std::string> read_msg_id(std::string_view text, std::size_t& at) {
    std::size_t i = at + 1;
    std::string id = "<";
    if (!read_word(text, i, id)) return std::nullopt;
    while (i < text.size() && text[i] == '.') {
        id += text[i++];
        if (!read_word(text, i, id)) return std::nullopt;
    }
    if (i == text.size() || text[i] != '@') return std::nullopt;
    const std::size_t right = ++i;
    if (!skip_id_right(text, i) || i == text.size() || text[i] != '>') return std::nullopt;
    id += '@';
    id.append(text.substr(right, i - right));
    id += '>';
    at = i + 1;
    return id;
}

// Just past the comment, maybe nested (RFC 5322 3.2.2), that opens at `at`:
// a "<" inside one does not start an id.
std::size_t comment_end(std::string_view text, std::size_t at) {
    int depth = 0;
    for (; at < text.size(); ++at) {
        if (text[at] == '\\') {
            ++at;
        } else if (text[at] == '(') {
            ++depth;
        } else if (text[at] == ')' && --depth == 0) {
            return at + 1;
        }
    }
    return text.size();
}

constexpr std::size_t kNoParent = std::numeric_limits<std::size_t>::max();

// A node of the thread tree: a message, or a dummy for an id that references
// name but no searched message carries.
struct Container {
    const ThreadMessage* message = nullptr;  // nullptr: a dummy
    std::size_t position = 0;                // in mailbox order, for ties of sent date
    std::size_t parent = kNoParent;          // kept up to date in step 1 only
    std::vector<std::size_t> children;
};

// The six steps of RFC 5256 3 over indexes into one vector of containers.
class ReferenceThreading {
  public:
    explicit ReferenceThreading(const std::vector<ThreadMessage>& messages) {
        link_messages(messages);
        std::vector<std::size_t> roots;
        for (std::size_t node = 0; node < m_nodes.size(); ++node) {
            if (m_nodes[node].parent == kNoParent) roots.push_back(node);
        }
        roots = pruned(roots, true);
        for (const std::size_t root : roots) {
            if (!m_nodes[root].message) sort_by_date(m_nodes[root].children);
        }
        sort_by_date(roots);
        merge_by_subject(roots);
        sort_siblings(roots);
        m_threads.reserve(roots.size());
        for (const std::size_t root : roots)
            m_threads.push_back(thread_node(root));
    }

    std::vector<imap::ThreadNode> take_threads() { return std::move(m_threads); }

  private:
    // Step 1.
    void link_messages(const std::vector<ThreadMessage>& messages) {
        m_nodes.reserve(messages.size());
        for (std::size_t i = 0; i < messages.size(); ++i) {
            m_nodes.push_back({&messages[i], i, kNoParent, {}});
            // A message without an id, or the later one of a duplicate, stays
            // out of the table: no reference reaches it, as if its id were
            // unique.
            if (!messages[i].message_id.empty()) m_by_id.try_emplace(messages[i].message_id, i);
        }
        for (std::size_t i = 0; i < messages.size(); ++i) {
            std::span<const std::string> references = messages[i].references;
            if (references.empty() && !messages[i].in_reply_to.empty())
                references = {&messages[i].in_reply_to, 1};
            std::size_t previous = kNoParent;
            for (const std::string& id : references) {
                const std::size_t node = node_for(id);
                // A parent set by another message's list stays: lists may be
                // truncated, so neighbours in one need not be parent and child.
                if (previous != kNoParent && m_nodes[node].parent == kNoParent)
                    adopt(previous, node);
                previous = node;
            }
            // The message's own last reference is its parent, whatever the
            // lists of other messages implied.
            detach(i);
            if (previous != kNoParent) adopt(previous, i);
        }
    }

    std::size_t node_for(std::string_view id) {
        const auto [entry, added] = m_by_id.try_emplace(id, m_nodes.size());
        if (added) m_nodes.emplace_back();
        return entry->second;
    }

    // Makes `child` a child of `parent` unless that would close a loop.
    void adopt(std::size_t parent, std::size_t child) {
        for (std::size_t at = parent; at != kNoParent; at = m_nodes[at].parent) {
            if (at == child) return;
        }
        m_nodes[child].parent = parent;
        m_nodes[parent].children.push_back(child);
    }

    void detach(std::size_t child) {
        const std::size_t parent = std::exchange(m_nodes[child].parent, kNoParent);
        if (parent != kNoParent) std::erase(m_nodes[parent].children, child);
    }

    // Step 3, bottom up, so that a dummy is judged by the children it keeps.
    // Below the top a dummy gives way to its children; at the top only when it
    // has one, since two or more there show they belong together.
    std::vector<std::size_t> pruned(const std::vector<std::size_t>& level, bool top) {
        std::vector<std::size_t> kept;
        kept.reserve(level.size());
        for (const std::size_t node : level) {
            m_nodes[node].children = pruned(m_nodes[node].children, false);
            const Container& container = m_nodes[node];
            if (!container.message && (!top || container.children.size() <= 1)) {
                kept.insert(kept.end(), container.children.begin(), container.children.end());
            } else {
                kept.push_back(node);
            }
        }
        return kept;
    }

    // The message that dates `node` and names its thread: itself, or a
    // dummy's first child (RFC 5256 3 steps 4, 5 and 6).
    const Container& representative(std::size_t node) const {
        std::size_t at = node;
        while (!m_nodes[at].message)
            at = m_nodes[at].children.front();
        return m_nodes[at];
    }

    void sort_by_date(std::vector<std::size_t>& siblings) const {
        std::sort(siblings.begin(), siblings.end(), [this](std::size_t a, std::size_t b) {
            const Container& first = representative(a);
            const Container& second = representative(b);
            return std::pair(first.message->sent, first.position) <
                   std::pair(second.message->sent, second.position);
        });
    }

    // Step 5: a reply that lost its references still joins its conversation.
    void merge_by_subject(std::vector<std::size_t>& roots) {
        std::unordered_map<std::string_view, std::size_t> heads;
        for (const std::size_t root : roots) {
            const std::string& subject = representative(root).message->base_subject;
            if (subject.empty()) continue;
            const auto [entry, added] = heads.try_emplace(subject, root);
            const Container& head = m_nodes[entry->second];
            const Container& current = m_nodes[root];
            // A dummy gathers a subject best, and an original better than a
            // reply does.
            if (!added && head.message &&
                (!current.message ||
                 (head.message->reply_or_forward && !current.message->reply_or_forward)))
                entry->second = root;
        }
        std::vector<std::size_t> kept;
        for (const std::size_t root : roots) {
            const std::string& subject = representative(root).message->base_subject;
            const std::size_t head = subject.empty() ? root : heads.at(subject);
            if (head == root) {
                kept.push_back(root);
            } else {
                merge(head, root);
            }
        }
        roots = std::move(kept);
    }

    void merge(std::size_t head, std::size_t current) {
        const ThreadMessage* head_message = m_nodes[head].message;
        const ThreadMessage* current_message = m_nodes[current].message;
        if (!head_message && !current_message) {
            auto& children = m_nodes[head].children;
            const auto& moved = m_nodes[current].children;
            children.insert(children.end(), moved.begin(), moved.end());
        } else if (!head_message || (current_message && current_message->reply_or_forward &&
                                     !head_message->reply_or_forward)) {
            m_nodes[head].children.push_back(current);
        } else {
            // Neither answers the other, so they become siblings under a new
            // dummy. The head's node turns into that dummy, so that the
            // subject table and the root set keep pointing at the thread.
            Container head_message_node = std::exchange(m_nodes[head], Container{});
            m_nodes.push_back(std::move(head_message_node));
            m_nodes[head].children = {m_nodes.size() - 1, current};
        }
    }

    // Step 6: children before their parents, as a dummy is dated by its
    // first child.
    void sort_siblings(std::vector<std::size_t>& siblings) {
        for (const std::size_t node : siblings)
            sort_siblings(m_nodes[node].children);
        sort_by_date(siblings);
    }

    imap::ThreadNode thread_node(std::size_t index) const {
        const Container& container = m_nodes[index];
        imap::ThreadNode node{container.message ? container.message->number : 0, {}};
        node.children.reserve(container.children.size());
        for (const std::size_t child : container.children)
            node.children.push_back(thread_node(child));
        return node;
    }

    std::vector<Container> m_nodes;
    std::unordered_map<std::string_view, std::size_t> m_by_id;
    std::vector<imap::ThreadNode> m_threads;
};

}  // namespace

std::vector<std::string> message_ids(std::string_view field_value) {
    std::vector<std::string> ids;
    std::size_t at = 0;
    while (at < field_value.size()) {
        if (field_value[at] == '(') {
            at = comment_end(field_value, at);
            continue;
        }
        if (field_value[at] == '<') {
            if (auto id = read_msg_id(field_value, at)) {
                ids.push_back(std::move(*id));
                continue;
            }
        }
        ++at;
    }
    return ids;
}

std::vector<imap::ThreadNode> thread_by_references(const std::vector<ThreadMessage>& messages) {
    return ReferenceThreading(messages).take_threads();
}

}  // namespace mailscope::server
