# Writes OUTPUT, a C++ file defining ponte::api::kOpenApiDocument with the bytes of INPUT.
# Run as `cmake -DINPUT=... -DOUTPUT=... -P embed_file.cmake`; bytes, not a string literal, so
# no character of the document can end the literal early.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "// Generated from daemon/api/openapi.json by embed_file.cmake: do not edit.
#include \"api/openapi_document.h\"

namespace ponte::api {
namespace {
const char kBytes[] = {
${bytes}};
}  // namespace

const std::string_view kOpenApiDocument(kBytes, sizeof kBytes);

}  // namespace ponte::api
")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
