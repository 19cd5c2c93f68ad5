// The model of a check: one YAML file of conformance/ or scenarios/, typed.
//
// The loader (loader.h) builds these; the step engine executes them. conformance/README.md
// documents the YAML; this header is the contract between the loader and the engine.
//
// What the loader guarantees about a Check it returns (the engine need not re-check):
//  - `id` matches ^(BR|ISO|DNS|PORT|DRV|CNI|SCN)(-[A-Z]+)*-[0-9]{3}$ and, within one load_dir /
//    load_catalogue call, is unique;
//  - every capability in `requirements` is a row of api::kCapabilityTable;
//  - `networks` and `containers` are in file order, fully typed (subnets, gateways, IPs and
//    published ports parsed; subnet, gateway and an attachment's ip are IPv4, subnet6,
//    gateway6 and ip6 IPv6), and every network a container attaches to is declared in
//    `networks` or predefined (kPredefinedNetworks);
//  - every step holds exactly one action; `from` is set exactly for probe actions, and names
//    `host`, `external` or a container that exists at that step (declared, or created by an
//    earlier step and not removed since); the same holds for every container and network
//    name a runtime action or a variable uses;
//  - a variable asks for a container's address or gateway only on a network the container
//    is on at that step, for an IPv6 one (ip6, gateway6, subnet6) only of a network that is
//    dual stack at that step, and for a published port only one the container publishes; a
//    runtime action expected to succeed does not join a network twice, leave one the
//    container is not on, or remove a network a container is still on;
//  - `expect` holds only fields that apply to the step's action (see Expect).
//
// Strings typed Template may contain ${...} variables (template.h). They are kept unexpanded:
// addresses exist only once the runtime has created the containers, so the engine expands
// them at step time with expand(). Everything else is plain data.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/checks/template.h"
#include "netimpl/api/capability.h"
#include "netimpl/api/runtime.h"

namespace nc::checks {

using std::chrono::milliseconds;

// Capabilities a check may require: the names of api::kCapabilityTable (api/capability.h).
// The engine skips the check (with the missing names as the reason) unless the kernel and
// the runtime offer all of them.

// Network drivers a network spec may name (api::NetworkSpec::driver).
inline constexpr std::array<std::string_view, 6> kDrivers = {"bridge", "host", "none",
                                                             "macvlan", "ipvlan", "overlay"};

// Networks every runtime has before a check starts; a check uses them without declaring
// them and may not declare networks of these names. "bridge" is the default bridge.
inline constexpr std::array<std::string_view, 3> kPredefinedNetworks = {"bridge", "host", "none"};

inline constexpr milliseconds kDefaultProbeTimeout{2000};

// Where something was written: the file as it was named to the loader, 1-based line/col.
struct SourcePos {
  std::string file;
  int line = 0;
  int col = 0;
  std::string str() const;  // "conformance/br-001.yaml:12:5"
};

enum class Suite { kConformance, kScenarios };
std::string_view suite_name(Suite s);  // "conformance" | "scenarios"

// Where a probe action or a service runs.
struct Place {
  enum class Kind { kNone, kContainer, kHost, kExternal };
  Kind kind = Kind::kNone;
  std::string container;  // kContainer: the container's name; empty otherwise

  bool is_set() const { return kind != Kind::kNone; }
  std::string str() const;  // "web", "host", "external"; "" for kNone
};

// What a person sees when a probe action runs. The probe classifies; the engine compares.
enum class Outcome {
  kOk,           // it worked: connected (UDP: got a reply), echo answered, file read, listed
  kRefused,      // actively refused: TCP RST to the SYN, or ICMP port unreachable (UDP)
  kReset,        // connected, then reset by the peer before the exchange completed
  kEmpty,        // connected, then closed by the peer without a byte sent
  kTimeout,      // nothing came back within the step's timeout (the traffic was dropped)
  kUnreachable,  // no route, or ICMP host/network unreachable (EHOSTUNREACH, ENETUNREACH)
  kMissing,      // read: no such file
  kError,        // the probe failed in any other way; the report carries its message
};
inline constexpr std::array<std::string_view, 8> kOutcomeNames = {
    "ok", "refused", "reset", "empty", "timeout", "unreachable", "missing", "error"};
std::string_view outcome_name(Outcome o);
std::optional<Outcome> parse_outcome(std::string_view name);

// ---- Actions. Probe actions run the probe agent at Step::from and observe an Outcome;
// runtime actions ask the runtime under test to change the topology and succeed or fail.

// Probe: open a connection and exchange one message with the probe server at the far end.
struct Connect {
  Proto proto = Proto::kTcp;
  Template host;      // an address or a variable: "${api.ip.appnet}", "172.18.0.2", "fd00::1"
  uint16_t port = 0;  // 0: a variable (${web.port.80}), known at step time
  Template url;       // the whole text as written, for reports: "tcp://${api.ip}:8080"
};
struct Ping { Template address; };   // probe: one ICMP echo request to an address or variable
struct Read { Template path; };      // probe: read a file (in the container's mount ns)
struct Listeners {};                 // probe: the listening sockets of `from`'s netns
struct Interfaces {};                // probe: the interfaces, addresses and routes of `from`
struct NetworkCreate { api::NetworkSpec spec; };
struct NetworkRemove { std::string network; };
struct ContainerCreate { api::ContainerSpec spec; };
struct ContainerRemove { std::string container; };
struct NetworkConnect {
  std::string container;
  api::Attachment attachment;  // network, aliases, optional fixed IP
};
struct NetworkDisconnect {
  std::string container;
  std::string network;
};
struct Note { Template text; };  // a line of the story; the engine prints it, nothing runs
// Probe, two forms.
// `diagnose: PORT` (at a container): explains why published traffic to container port
// `port` (TCP) does or does not meet a listener, from the container's listener table and
// the address published traffic arrives at: "listens on 127.0.0.1:80; published traffic
// arrives at 172.18.0.2:80; bind 0.0.0.0". The text is the step's observed `diagnosis`.
// `diagnose: { target: NAME[:PORT] }` (from a container, host or external): netconform
// diagnose's checklist (harness/diagnose/checklist.h) from `from` to the target; the
// observation carries the `cause` (expect: { cause: bound-to-loopback }), the steps with
// their evidence and the fix. The target may name a container that does not exist (yet or
// any more): that is a diagnosis (not-running), not a load error.
struct Diagnose {
  uint16_t port = 0;                    // the first form; 0 in the second
  std::string target;                   // the second form: the container diagnosed
  std::optional<uint16_t> target_port;  // from a container: the target's port; from host/external: the published port
};
// Probe: a DNS lookup at `from`, as its stub resolver would (following its
// /etc/resolv.conf: nameservers, search, ndots), or against one server.
struct Resolve {
  Template name;                   // a name, or an address for type PTR
  std::string type = "A";          // A | AAAA | PTR | MX | TXT ...
  std::optional<Template> server;  // absent: follow /etc/resolv.conf
  bool tcp = false;
  bool tcp_fallback = true;        // retry over TCP when a UDP answer is truncated
};
// Lab: switches the fault mode of the lab's upstream DNS servers (harness/upstream_dns).
struct DnsFault {
  std::string server;  // one of 203.0.113.53-.55; empty: every upstream
  std::string mode;    // answer | drop | delay | servfail | nxdomain | truncate | refuse_tcp
  int delay_ms = 0;    // mode delay
};
// Lab: the queries the upstream DNS servers received so far (for `name`; all when empty).
struct DnsLog {
  std::string name;
  std::string server;  // empty: every upstream
};

// Lab: the lab host's resolver files, as a host's administrator (or systemd-resolved)
// leaves them: `lab: { host_resolv: ... }` before the runtime starts, or a `host_resolv`
// step that rewrites them while containers run. /etc/resolv.conf gets `nameservers`,
// `search` and `options`; with `systemd_resolved`, /run/systemd/resolve/resolv.conf (the
// file systemd-resolved writes with the real upstreams) gets those servers and the same
// search and options. A loopback nameserver (127.0.0.53, systemd-resolved's stub) is
// answered by a stub the lab runs in the host's namespace (the lab's zone, like the
// upstreams) when the check requires dns.
struct HostResolv {
  std::vector<IpAddr> nameservers;
  std::vector<std::string> search;
  std::vector<std::string> options;
  std::optional<std::vector<IpAddr>> systemd_resolved;
  std::string etc_text() const;                     // /etc/resolv.conf
  std::optional<std::string> systemd_text() const;  // /run/systemd/resolve/resolv.conf, when given
  std::vector<IpAddr> loopback_servers() const;     // the nameservers the lab's stub answers
};

// Runtime (one that drives CNI plugins, capability `cni`): one operation of the CNI
// specification on the attachment (container, ifname) of a network (api/cni.h).
struct CniCall {
  std::string command;    // ADD | CHECK | DEL
  std::string container;
  std::string network;
  std::string ifname;     // empty: ADD a new ethN; CHECK/DEL the container's attachment to `network`
  bool netns_gone = false;  // DEL: destroy the container's network namespace first
};

// Runtime: a container's lifecycle (api::Runtime::lifecycle). The container keeps its name;
// what happens to its addresses and names is the runtime's business (and what checks assert).
struct Stop { std::string container; };     // its process gets SIGTERM, then SIGKILL; it stays stopped
struct Start { std::string container; };    // a stopped container runs its command again
struct Restart { std::string container; };  // stop, then start
struct Kill { std::string container; };     // its process gets SIGKILL (a crash); it stays stopped
// Story: `fix: "text"` — a note that also starts the fix act: the steps after it show the
// remedy works (reports mark them act "fix"; those before are the "symptom").
struct Fix { Template text; };
// Lab: an incident's firewall rule inside a container's network namespace ("someone added
// a rule"), put there by the harness with nftables (its own table, `incident`), not by the
// runtime. Rules on one container accumulate; `remove` deletes them all (a fix).
// `delay_ms` is no nftables rule but a netem qdisc on the container's links (a slow path;
// needs `requires: [netem]`, a load error otherwise); `remove` deletes it too.
struct FirewallRule {
  std::string container;
  enum class Kind { kDropPort, kDropDns, kLoss, kRemove, kDelay } kind = Kind::kDropPort;
  Proto proto = Proto::kTcp;  // kDropPort: incoming traffic to this port is dropped
  uint16_t port = 0;
  int loss = 0;               // kLoss: this percentage (1-99) of incoming packets is dropped, at random
  int delay_ms = 0;           // kDelay: every packet leaving the container waits this long (1-60000)
};

// Lab: `conntrack_flush: udp/5140` deletes the lab host's conntrack entries whose original
// destination port is that (any address, IPv4): what an operator does by hand
// (`conntrack -D -p udp --orig-port-dst 5140`) where the runtime did not. The observation
// holds how many entries went ("deleted").
struct ConntrackFlush {
  Proto proto = Proto::kUdp;
  uint16_t port = 0;
};

// Lab: `lab_link: { mtu: 1400 }` sets the MTU of the lab host's uplink (its LAN link, eth0
// in the host namespace) while `external` keeps 1500: frames bigger than that arriving from
// the LAN are dropped silently at the host (a veth checks the receiver's MTU and sends no
// ICMP), as on a VPN-like path whose ICMP "fragmentation needed" is lost. The lab resets it
// to 1500 after the check.
struct LabLink { int mtu = 0; };

using Action = std::variant<Connect, Ping, Read, Listeners, Interfaces, NetworkCreate,
                            NetworkRemove, ContainerCreate, ContainerRemove, NetworkConnect,
                            NetworkDisconnect, Note,
                            Resolve, DnsFault, DnsLog, Diagnose, CniCall, Stop, Start, Restart, Kill, Fix,
                            FirewallRule, HostResolv, ConntrackFlush, LabLink>;

// The kind of an Action: same order as the variant's alternatives (Step::kind() relies on it).
enum class ActionKind {
  kConnect, kPing, kRead, kListeners, kInterfaces, kNetworkCreate, kNetworkRemove,
  kContainerCreate, kContainerRemove, kNetworkConnect, kNetworkDisconnect, kNote,
  kResolve, kDnsFault, kDnsLog, kDiagnose, kCni, kStop, kStart, kRestart, kKill, kFix, kFirewall, kHostResolv,
  kConntrackFlush, kLabLink,
};
inline constexpr std::array<std::string_view, 26> kActionNames = {
    "connect", "ping", "read", "listeners", "interfaces", "network_create", "network_remove",
    "container_create", "container_remove", "network_connect", "network_disconnect", "note",
    "resolve", "dns_fault", "dns_log", "diagnose", "cni", "stop", "start", "restart", "kill", "fix", "firewall",
    "host_resolv", "conntrack_flush", "lab_link"};
std::string_view action_name(ActionKind k);  // the YAML key
bool is_probe(ActionKind k);    // connect, ping, read, listeners, interfaces, diagnose
bool is_runtime(ActionKind k);  // network_*, container_*, stop, start, restart, kill
bool is_lifecycle(ActionKind k);  // stop, start, restart, kill
bool is_story(ActionKind k);      // note, fix: print a line, run nothing
bool is_lab(ActionKind k);      // dns_fault, dns_log, firewall, host_resolv, conntrack_flush, lab_link: act on the lab itself

// What a step must observe. Which fields may be set depends on the action; the loader
// rejects the others, so the engine checks every field that is set and nothing else.
struct Expect {
  // Probe actions: the acceptable outcomes, never empty (default {kOk}). Others: empty.
  std::vector<Outcome> outcomes;
  // Runtime actions: set → the action must FAIL with an error message containing this
  // text; unset → it must succeed. cni: the plugin's Error result, its msg containing
  // this text ("" for any).
  std::optional<std::string> error;
  std::optional<int> error_code;  // cni: the Error result's code must be exactly this
  // Any action but note: it must complete (either way) within this bound.
  std::optional<milliseconds> within;
  // Any action but note: it must take at least this long (an answer that really was slow).
  std::optional<milliseconds> slower_than;

  // Details, only when `outcomes` is exactly {kOk}:
  std::optional<Template> peer;         // connect: the client address the server saw (an IP)
  std::vector<Template> contains;       // read: substrings that must appear in the file
  std::vector<Template> not_contains;   // read: substrings that must not appear
  std::vector<Template> listening;      // listeners: TCP sockets that must be listed ("IP:PORT",
  std::vector<Template> not_listening;  //   IPv6 as "[::]:80") / must not be listed
  // interfaces: `iface` is what address_in/address refer to; when set explicitly the
  // interface must exist even if nothing else is asserted about it.
  std::optional<std::string> iface;
  std::optional<Template> address_in;   // a prefix; `iface` has an address inside it
  std::optional<Template> address;      // an IP; `iface` has exactly this address
  std::optional<std::string> no_iface;  // this interface must not exist
  std::optional<Template> default_via;  // an IP: the default route goes via it; "direct": it has no gateway
  bool no_default_route = false;        // `default_via: none`: there is no default route
  std::optional<int> mtu;               // interfaces: `iface` has exactly this MTU

  // resolve (outcome ok: some server answered):
  std::optional<std::string> rcode;                 // noerror | nxdomain | servfail | refused ...
  std::optional<std::vector<Template>> addresses;   // exactly these answers, any order ([]: none)
  std::vector<Template> contains_address;           // these are among the answers
  std::optional<std::vector<std::string>> names;    // PTR: exactly these names ("web.appnet.")
  std::optional<int> ttl;                           // the first answer's TTL
  std::map<std::string, bool> flags;                // tc / aa / ra: set (true) or clear (false)
  std::optional<Template> answered_by;              // the server that gave the final answer
  // dns_log:
  std::optional<int> count;        // exactly this many queries were logged
  std::optional<int> min_count;    // at least this many
  std::optional<Template> source;  // every logged query came from this address
  // diagnose (the checklist form): the cause it names (harness/diagnose/checklist.h kCauseNames)
  std::optional<std::string> cause;

  std::string_view iface_or_default() const { return iface ? std::string_view(*iface) : "eth0"; }
};

// `eventually: { within_ms: 5000, every_ms: 200 }` on a probe step: the step runs again
// until its expectation holds or `within` has passed since its first attempt; the attempts
// are recorded. `within` is required (a retry without a deadline is a load error).
struct Eventually {
  milliseconds within{0};
  milliseconds every{200};
};

// `repeat: { times: 30, seen: [...], min_orders: 2 }` on a connect or resolve step: it runs
// `times` times (1-kMaxRepeat); every run must meet `expect` (no failure), and together
// the runs must have seen every address of `seen` (resolve: among the answers; connect: the
// server's own address) and at least `min_orders` distinct answer orders (resolve).
inline constexpr int kMaxRepeat = 1000;
struct Repeat {
  int times = 1;
  std::vector<Template> seen;
  int min_orders = 0;
  // Each of these outcomes was observed at least once (a flaky link: some ok, some
  // timeout); the runs' outcomes must still be among `expect`'s.
  std::vector<Outcome> outcomes_seen;
};

// Which act of a story a step belongs to: before a `fix:` marker, the symptom; after it,
// the fix. Checks without a `fix:` have only symptom steps.
enum class Act { kSymptom, kFix };

struct Step {
  SourcePos pos;          // the step's position (its first character)
  Act act = Act::kSymptom;
  std::optional<Eventually> eventually;
  std::optional<Repeat> repeat;
  // `keep: NAME` (connect by name, resolve): the first address the lookup answered is kept
  // as ${kept.NAME} for later steps.
  std::string keep;
  std::string name;       // optional words for the report; may be empty
  Place from;             // probe actions: set; others: kNone
  Action action;
  milliseconds timeout = kDefaultProbeTimeout;  // probe actions: the probe's time limit
  // connect: ok only when at least this many bytes of the server's answer arrived in time
  // (probe --expect-bytes; a stalled large transfer is then a timeout). 0: any answer.
  int expect_bytes = 0;
  // connect udp://: send from this local port (probe --source-port), so that the runs of
  // several steps are one conntrack flow, as from a long-lived client's socket. 0: any.
  int source_port = 0;
  Expect expect;          // note: empty

  ActionKind kind() const { return static_cast<ActionKind>(action.index()); }
  template <class A> const A* get() const { return std::get_if<A>(&action); }
};

// A probe server started on the lab's host or external namespace (containers use `run`).
struct Service {
  SourcePos pos;
  Place at;                          // kHost or kExternal
  std::vector<std::string> command;  // the probe's arguments: {"serve", "tcp://0.0.0.0:9000"}
};

// The lab's state before the runtime starts.
struct Lab {
  bool ip_forward = true;  // the host's initial net.ipv4.ip_forward
  // How many hosts (1-4), joined by an underlay segment on 198.51.100.0/24 (overlay
  // checks). The first is `host`; the others are host2, host3, host4, and a container
  // says where it lives with `host:` (api::ContainerSpec::host; empty: the first).
  int hosts = 1;
  // Multi-host labs: the MTU of each host's underlay link (0: 1500). The segment between
  // them stays at 1500 and drops larger frames silently, like a switch on the path not
  // configured for jumbo frames (SCN-DRV-001's MTU black hole).
  int underlay_mtu = 0;
  // The host's resolver files before the runtime starts (absent: the lab's usual
  // `nameserver 203.0.113.53`, `search example.test`).
  std::optional<HostResolv> host_resolv;
  // The check is about what a runtime does first after it starts (BR-002: the pool its
  // first user-defined network gets), which a runtime kept for a shard may have left behind
  // in an earlier check (Docker 20.10 was seen to hand out 172.22.0.0/16 and 192.168.176.0/20
  // after 90-106 checks on one daemon, every earlier network removed): such a runtime is
  // started anew, with fresh state, before this check. Fresh-per-check runtimes are anyway.
  bool fresh_runtime = false;
  // The default bridge `bridge` is dual stack with this IPv6 subnet from the runtime's start,
  // as dockerd's `--ipv6 --fixed-cidr-v6` makes it (absent: IPv4 only, every runtime's
  // default). Needs `requires: [default_bridge_ipv6]`.
  std::optional<Prefix> default_bridge6;
};

// One check. Set-up order: networks (in order), containers (in order), services (in order,
// each ready once its probe reports it listens), then the steps.
struct Check {
  std::string id;     // "BR-001"
  std::string title;
  std::string source;  // where the asserted behaviour comes from
  Suite suite = Suite::kConformance;
  std::vector<std::string> requirements;  // `requires:`, capability names, file order
  std::string story;  // scenarios: the incident replayed, printed before the steps; may be empty
  Lab lab;
  std::vector<api::NetworkSpec> networks;
  std::vector<api::ContainerSpec> containers;
  std::vector<Service> services;
  std::vector<Step> steps;  // never empty
  SourcePos pos;            // the file, at the `id` key
};

// One line describing a step for reports: "web: connect tcp://${api.ip}:8080 → ok".
std::string describe(const Step& step);

}  // namespace nc::checks
