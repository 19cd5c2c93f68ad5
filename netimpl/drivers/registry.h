// Every driver netimpl has, by name: bridge, host, none, macvlan, ipvlan, overlay.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "netimpl/drivers/driver.h"
#include "netimpl/drivers/overlay_control.h"

namespace nc::drivers {

using DriverMap = std::map<std::string, std::unique_ptr<Driver>, std::less<>>;

// One instance of each driver; the overlay driver uses `control` (shared by the runtimes
// of one multi-host lab; pass a fresh one for a single host).
DriverMap make_drivers(std::shared_ptr<OverlayControlPlane> control);

struct DriverNeeds {
  std::string driver;
  std::vector<std::string> kernel_features;  // Driver::requirements()
};
// What each driver needs of the kernel, in the order above (for `netconform kernel`).
std::vector<DriverNeeds> driver_needs();

}  // namespace nc::drivers
