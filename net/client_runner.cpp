#include "net/client_runner.hpp"

#include <optional>
#include <utility>

#include "net/tcp_server.hpp"

namespace mailscope::transport {

ClientRunner::ClientRunner(asio::io_context& io, sim::ClientDriver& driver,
                           NetClientOptions options, std::function<void()> on_change)
    : m_io(io),
      m_driver(driver),
      m_options(std::move(options)),
      m_on_change(std::move(on_change)) {}

void ClientRunner::start() {
    try {
        m_client = NetClient::create(m_io, m_options);
    } catch (const std::exception& error) {
        m_driver.fail(sim::verbatim(error.what()));
        end(sim::verbatim(error.what()));
        return;
    }
    m_client->connect([this](const sim::Said& error) { on_connected(error); });
}

sim::TlsReport ClientRunner::tls_report() {
    return {m_client->tls_description(),
            m_options.tls.insecure ? m_client->verify_result() : std::string()};
}

void ClientRunner::on_connected(const sim::Said& error) {
    if (!sim::is_empty(error)) {
        m_driver.fail(error);
        end(error);
        return;
    }
    m_driver.open(m_client->tls_active() ? std::optional(tls_report()) : std::nullopt,
                  steady_now());
    m_client->start_reading(
        [this](std::string_view bytes) {
            m_driver.receive(bytes, steady_now());
            after_input();
        },
        [this](const sim::Said& end_error) {
            m_driver.receive_eof(steady_now());
            end(end_error);
        });
    after_input();
}

void ClientRunner::flush() {
    if (!is_open()) return;
    after_input();
}

void ClientRunner::close() {
    if (m_client) m_client->close();
}

void ClientRunner::after_input() {
    auto bytes = m_driver.take_outgoing();
    if (!bytes.empty()) m_client->write(std::move(bytes));
    if (m_driver.stage() == sim::DriverStage::Failed) {
        m_client->close();
        end(m_driver.failure());
        return;
    }
    if (m_driver.take_tls_request()) {
        m_client->start_tls([this](const sim::Said& error) {
            if (!sim::is_empty(error)) {
                m_driver.fail(error);
                m_client->close();
                end(error);
                return;
            }
            m_driver.tls_established(tls_report(), steady_now());
            after_input();
        });
    }
    m_client->expect_reply(m_driver.awaiting_reply());
    m_on_change();
}

void ClientRunner::end(sim::Said error) {
    if (m_ended) return;
    m_ended = true;
    m_end_error = std::move(error);
    m_on_change();
}

}  // namespace mailscope::transport
