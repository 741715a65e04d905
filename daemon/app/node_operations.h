// The six paForNode operations, decided: caller checks, notice lookup, amount due today,
// payment data, receipt commit, spontaneous payments. No XML and no sockets here.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string_view>

#include "app/clock.h"
#include "app/directory.h"
#include "core/node_messages.h"
#include "store/store.h"

namespace ponte::app {

class NodeOperations {
 public:
  // store and clock must outlive this object. The directory may be replaced at any time
  // (configuration reload); each request uses the one current when it starts.
  NodeOperations(std::shared_ptr<const Directory> directory, store::Store& store,
                 const Clock& clock);

  // Receives how long each database call of the node path took: "find_notice" (the read of a
  // notice's position), "commit_receipt" (until the receipt is durable), "create_position" (a
  // spontaneous payment). Set once, before any request.
  using StoreTiming = std::function<void(std::string_view call, double seconds)>;
  void setStoreTiming(StoreTiming timing);

  void setDirectory(std::shared_ptr<const Directory> directory);
  std::shared_ptr<const Directory> directory() const;

  core::Answer<core::VerifyResult> verify(const core::VerifyRequest& request);
  core::Answer<core::PaymentData> getPayment(const core::GetPaymentRequest& request);

  // Commits the receipt (durably) before calling done, from a store thread.
  void sendRt(const core::SendRtRequest& request, std::string raw_xml,
              std::function<void(core::Answer<core::SendRtResult>)> done);

  // Creates the spontaneous position, then calls done, from a store thread (or at once on a fault).
  void demand(const core::DemandRequest& request,
              std::function<void(core::Answer<core::DemandResult>)> done);

  // The store the operations read and write.
  store::Store& store() const { return store_; }

  // The faultBean id for answers about this request: the EC when ponte serves it, else the broker.
  std::string faultId(const core::Caller& caller) const;

 private:
  struct Resolved {
    std::shared_ptr<const Directory> directory;
    const StationInfo* station = nullptr;
    const EcInfo* ec = nullptr;
  };
  // Checks idBrokerPA, idStation and idPA against the configuration.
  std::variant<Resolved, core::Fault> resolve(const core::Caller& caller) const;
  // Resolves the caller, checks the QR code's EC and finds a payable option due today.
  std::variant<std::pair<Resolved, store::NoticeMatch>, core::Fault> findPayable(
      const core::Caller& caller, const core::QrCode& qr);

  std::shared_ptr<const Directory> directory_;  // read and replaced with atomic_load/store
  store::Store& store_;
  const Clock& clock_;
  StoreTiming store_timing_;
};

}  // namespace ponte::app
