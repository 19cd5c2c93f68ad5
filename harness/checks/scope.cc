#include "harness/checks/scope.h"

#include <algorithm>

#include <fmt/ranges.h>

namespace nc::checks::detail {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::string or_none(const std::vector<std::string>& names) {
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

Scope::Scope() {
  for (auto n : kPredefinedNetworks) networks_.emplace_back(std::string(n), std::nullopt);
}

bool Scope::has_container(std::string_view name) const { return std::ranges::find(containers_, name) != containers_.end(); }

bool Scope::has_network(std::string_view name) const {
  return std::ranges::any_of(networks_, [&](auto& n) { return n.first == name; });
}

std::optional<Prefix> Scope::subnet(std::string_view network) const {
  for (auto& [name, subnet] : networks_)
    if (name == network) return subnet;
  return std::nullopt;
}

std::string Scope::overlapping(const Prefix& p) const {
  for (auto& [name, subnet] : networks_)
    if (subnet && subnet->overlaps(p)) return name;
  return "";
}

void Scope::add_network(const api::NetworkSpec& spec) { networks_.emplace_back(spec.name, spec.subnet); }

void Scope::add_container(const std::string& name) { containers_.push_back(name); }

void Scope::remove_network(std::string_view name) {
  std::erase_if(networks_, [&](auto& n) { return n.first == name; });
}

void Scope::remove_container(std::string_view name) { std::erase(containers_, name); }

std::string Scope::unknown_container(std::string_view name) const {
  return fmt::format("unknown container '{}'; containers at this point: {}", name, or_none(containers_));
}

std::string Scope::unknown_network(std::string_view name) const {
  std::vector<std::string> names;
  for (auto& n : networks_) names.push_back(n.first);
  return fmt::format("unknown network '{}'; networks at this point: {}", name, or_none(names));
}

Result<void> Scope::need_container(const Reader& r, const YAML::Mark& at, std::string_view name) const {
  if (has_container(name)) return {};
  return r.error(at, unknown_container(name));
}

Result<void> Scope::need_network(const Reader& r, const YAML::Mark& at, std::string_view name) const {
  if (has_network(name)) return {};
  return r.error(at, unknown_network(name));
}

Result<void> Scope::check_template(const Reader& r, const Value& v, std::string_view text) const {
  auto vars = template_variables(text);
  if (!vars) return r.errorf(v.mark, "{}: {}", v.name, vars.error().message());
  for (const auto& var : *vars) {
    if (!var.container.empty() && !has_container(var.container))
      return r.errorf(v.mark, "{}: ${{{}}}: {}", v.name, var.text, unknown_container(var.container));
    if (!var.network.empty() && !has_network(var.network))
      return r.errorf(v.mark, "{}: ${{{}}}: {}", v.name, var.text, unknown_network(var.network));
  }
  return {};
}

Result<void> check_name(const Reader& r, const YAML::Mark& at, std::string_view name, std::string_view kind) {
  bool ok = !name.empty() && name[0] != '_' && name[0] != '-' && std::ranges::all_of(name, name_char);
  if (!ok) return r.errorf(at, "bad {} name '{}': use letters, digits, '_' and '-', starting with a letter or digit", kind, name);
  if (kind == "container" && (name == "host" || name == "external" || name == "net"))
    return r.errorf(at, "'{}' cannot name a container: it is reserved for places and variables", name);
  if (kind == "network" && std::ranges::find(kPredefinedNetworks, name) != kPredefinedNetworks.end())
    return r.errorf(at, "'{}' is a predefined network: use it without declaring it", name);
  return {};
}

}  // namespace nc::checks::detail
