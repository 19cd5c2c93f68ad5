#include "netimpl/drivers/registry.h"

#include "netimpl/drivers/bridge.h"
#include "netimpl/drivers/overlay.h"
#include "netimpl/drivers/shared_ns.h"
#include "netimpl/drivers/sublink.h"

namespace nc::drivers {

namespace {
std::vector<std::unique_ptr<Driver>> all(std::shared_ptr<OverlayControlPlane> control) {
  std::vector<std::unique_ptr<Driver>> v;
  v.push_back(std::make_unique<BridgeDriver>());
  v.push_back(std::make_unique<HostDriver>());
  v.push_back(std::make_unique<NoneDriver>());
  v.push_back(std::make_unique<SubLinkDriver>(SubLinkDriver::Kind::kMacvlan));
  v.push_back(std::make_unique<SubLinkDriver>(SubLinkDriver::Kind::kIpvlan));
  v.push_back(std::make_unique<OverlayDriver>(std::move(control)));
  return v;
}
}  // namespace

DriverMap make_drivers(std::shared_ptr<OverlayControlPlane> control) {
  DriverMap m;
  for (auto& d : all(std::move(control))) m.emplace(d->name(), std::move(d));
  return m;
}

std::vector<DriverNeeds> driver_needs() {
  std::vector<DriverNeeds> out;
  for (auto& d : all(std::make_shared<OverlayControlPlane>())) out.push_back({d->name(), d->requirements()});
  return out;
}

}  // namespace nc::drivers
