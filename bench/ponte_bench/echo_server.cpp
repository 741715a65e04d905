// A bare listener with a constant answer: the same sockets, TLS, HTTP parsing and keep-alive as
// ponte, none of the SOAP, domain or storage work.
#include "echo_server.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>

#include "net/https_server.h"

namespace ponte::bench {
namespace {

// ponte's paVerifyPaymentNotice answer (tests/golden/paVerifyPaymentNotice/ok.response.xml),
// the most frequent answer on the node interface.
constexpr std::string_view kHead =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "
    "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
    "<pafn:paVerifyPaymentNoticeRes xmlns:pafn=\"http://pagopa-api.pagopa.gov.it/pa/"
    "paForNode.xsd\"><outcome>OK</outcome><paymentList><paymentOptionDescription><amount>120.00"
    "</amount><options>EQ</options><dueDate>2026-12-22</dueDate><detailDescription>Mensa "
    "scolastica - primo quadrimestre";
constexpr std::string_view kTail =
    "</detailDescription><allCCP>false</allCCP></paymentOptionDescription></paymentList>"
    "<paymentDescription>Mensa scolastica - primo quadrimestre</paymentDescription>"
    "<fiscalCodePA>80015010723</fiscalCodePA><companyName>Comune di Valbruna</companyName>"
    "<officeName>Ufficio Tributi</officeName></pafn:paVerifyPaymentNoticeRes></soapenv:Body>"
    "</soapenv:Envelope>";

std::string answerBody(int bytes) {
  std::string body(kHead);
  const std::size_t natural = kHead.size() + kTail.size();
  // --body-bytes grows the description; a size below the natural one keeps the natural body.
  if (bytes > 0 && static_cast<std::size_t>(bytes) > natural) {
    body.append(static_cast<std::size_t>(bytes) - natural, '.');
  }
  body += kTail;
  return body;
}

}  // namespace

int runEchoServer(const Options& o) {
  net::ListenerOptions options;
  options.address = o.host;
  options.port = static_cast<std::uint16_t>(o.port);
  if (!o.plain) {
    net::TlsOptions tls;
    tls.certificate_file = o.certs_dir + "/server.crt";
    tls.private_key_file = o.certs_dir + "/server.key";
    tls.client_ca_file = o.certs_dir + "/ca.crt";
    options.tls = tls;
  }
  const std::string body = answerBody(o.body_bytes);

  // Signals are taken by sigwait in this thread only; the event loops inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  std::string error;
  auto server = net::HttpsServer::start(
      options,
      [&body](net::HttpRequest&&, net::Reply reply) {
        net::HttpResponse response;
        response.body = body;
        reply(std::move(response));
      },
      o.server_threads, &error);
  if (!server) {
    std::cerr << "ponte-bench: echo server: " << error << "\n";
    return 1;
  }
  std::printf("echo-server listening on %s:%u (%zu-byte answer)\n", o.host.c_str(), server->port(),
              body.size());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  server->stop();
  return 0;
}

}  // namespace ponte::bench
