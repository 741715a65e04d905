// What `ponte check-config` verifies beyond the file's syntax: that the files the config names
// exist, load and fit together, so a start does not fail on them later.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ops/config.h"

namespace ponte::ops {

// The outcome of the checks. Each message names the key and the file, says what is wrong and
// what to do, and carries no "error:"/"warning:" prefix.
struct CheckReport {
  std::vector<std::string> errors;    // ponte would not start, or would fail later: fix first
  std::vector<std::string> warnings;  // ponte works, but an operator should act soon

  bool ok() const { return errors.empty(); }
};

// Checks, for a config that parsed:
//  - node_listener.tls.certificate, private_key and client_ca exist and load as PEM; the key is
//    not encrypted and matches the certificate; the certificate is valid at `now` (a warning
//    when it expires within 30 days); client_ca holds at least one certificate valid at `now`
//    (a warning for each expired one); the private key is not readable by every user (warning);
//    the node's certificate is pinned by allowed_subjects or allowed_fingerprints (a warning
//    when neither is set, since client_ca alone admits every certificate that CA issued);
//  - storage.path: its directory exists and a file can be created in it; the database file,
//    when it exists, is a readable and writable regular file;
//  - time_zone names a zone of the system's tz database ($TZDIR or /usr/share/zoneinfo);
//  - checkout and fee_calculator: the subscription key files are readable and not empty (a
//    warning when others may read them), the CA files readable; with checkout, a warning for
//    each EC without return_urls;
//  - psp_catalogue_file is readable, at most 16 MiB, with a listaInformativePSP root element.
// Reads files and creates (then removes) one temporary file next to the database; never throws.
CheckReport checkFilesAt(const Config& config, std::chrono::system_clock::time_point now);

// checkFilesAt at the current time: what `ponte check-config` runs.
CheckReport checkFiles(const Config& config);

}  // namespace ponte::ops
