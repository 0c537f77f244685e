// Boxed<T>: an optional value kept on the heap, with std::optional's interface.
//
// A trace event carries several rarely present parts (a state change, a
// violation, flag changes...). Held inline as std::optional they made every
// event about a kilobyte, and each one is moved into the trace; boxed, an
// absent part costs one pointer and a present one a single allocation.
#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace mailscope::sim {

template <typename T>
class Boxed {
  public:
    using value_type = T;

    Boxed() = default;
    Boxed(std::nullopt_t) {}
    Boxed(const T& value) : m_value(std::make_unique<T>(value)) {}
    Boxed(T&& value) : m_value(std::make_unique<T>(std::move(value))) {}
    Boxed(const std::optional<T>& value) {
        if (value) m_value = std::make_unique<T>(*value);
    }
    Boxed(const Boxed& other) : m_value(other ? std::make_unique<T>(*other) : nullptr) {}
    Boxed(Boxed&&) noexcept = default;

    Boxed& operator=(const Boxed& other) {
        if (this != &other) m_value = other ? std::make_unique<T>(*other) : nullptr;
        return *this;
    }
    Boxed& operator=(Boxed&&) noexcept = default;
    Boxed& operator=(std::nullopt_t) {
        m_value.reset();
        return *this;
    }
    Boxed& operator=(const T& value) {
        m_value = std::make_unique<T>(value);
        return *this;
    }
    Boxed& operator=(T&& value) {
        m_value = std::make_unique<T>(std::move(value));
        return *this;
    }

    template <typename... Args>
    T& emplace(Args&&... args) {
        m_value = std::make_unique<T>(T{std::forward<Args>(args)...});
        return *m_value;
    }
    void reset() { m_value.reset(); }

    bool has_value() const { return m_value != nullptr; }
    explicit operator bool() const { return m_value != nullptr; }

    T& operator*() { return *m_value; }
    const T& operator*() const { return *m_value; }
    T* operator->() { return m_value.get(); }
    const T* operator->() const { return m_value.get(); }
    T& value() { return checked(); }
    const T& value() const { return checked(); }

    friend bool operator==(const Boxed& boxed, std::nullopt_t) { return !boxed; }
    friend bool operator==(const Boxed& a, const Boxed& b) {
        if (!a || !b) return !a && !b;
        return *a == *b;
    }

  private:
    T& checked() const {
        if (!m_value) throw std::bad_optional_access();
        return *m_value;
    }

    std::unique_ptr<T> m_value;
};

}  // namespace mailscope::sim
