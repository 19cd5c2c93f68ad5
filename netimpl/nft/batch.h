// One nf_tables transaction: a batch of messages the kernel applies all or nothing.
//
// Messages are framed by NFNL_MSG_BATCH_BEGIN/END and sent in one sendmsg(). The kernel
// processes the whole batch inside that call, so every answer is already queued when it
// returns; send() then drains the socket without waiting. Only the last message asks for
// an acknowledgement (errors are reported for any message regardless), which keeps the
// answers to a handful however large the batch: one ack per message could overflow the
// socket's receive buffer.
//
// A failed batch changes nothing. The error names the message that failed, e.g.
// "add rule to inet netconform forward (oifname "br-a" drop): No such file or directory".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "netimpl/base/error.h"

struct mnl_socket;
struct nftnl_batch;
struct nlmsghdr;
struct nftnl_table;
struct nftnl_chain;
struct nftnl_rule;

namespace nc::nft {

struct MnlClose {
  void operator()(mnl_socket* s) const;
};
using MnlSocket = std::unique_ptr<mnl_socket, MnlClose>;

class Batch {
 public:
  // Sequence numbers start at `first_seq` (any value; it only pairs answers with messages).
  explicit Batch(uint32_t first_seq);
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  ~Batch();

  // Appends one message; `what` describes it for errors. `type` is NFT_MSG_NEWTABLE etc.
  void add(uint16_t type, uint16_t flags, const nftnl_table* t, std::string what);
  void add(uint16_t type, uint16_t flags, const nftnl_chain* c, std::string what);
  void add(uint16_t type, uint16_t flags, nftnl_rule* r, std::string what);

  size_t size() const { return what_.size(); }
  // The sequence number after this batch's last; the next batch may start there.
  uint32_t end_seq() const { return seq_ + 1; }

  // Closes the batch, sends it on `sock` and reads the kernel's answer. Call once.
  Result<void> send(mnl_socket* sock);

 private:
  nlmsghdr* begin_msg(uint16_t type, uint16_t family, uint16_t flags, std::string what);
  void end_msg();
  Result<void> read_answer(mnl_socket* sock);

  nftnl_batch* batch_;
  uint32_t first_seq_;   // of the first message after BATCH_BEGIN
  uint32_t seq_;         // the next sequence number to use
  nlmsghdr* last_ = nullptr;
  std::vector<std::string> what_;  // indexed by seq - first_seq_
};

}  // namespace nc::nft
