// The first flight of a real TLS client, made in memory, for tests that send it cut short or
// corrupted to a server.
#pragma once

#include <string>

namespace ponte::hostile {

// The bytes OpenSSL sends to open a TLS connection to `server_name` (one ClientHello in one or
// more TLS records), without any socket. Throws std::runtime_error if OpenSSL fails.
std::string clientHello(const std::string& server_name = "localhost");

}  // namespace ponte::hostile
