// The table of actions. To add one: write action_NAME.cc defining kNameAction (see
// action.h), declare it here and list it in kActions.
#include "harness/probe/action.h"

namespace nc::probe {

extern const ActionSpec kServeAction;
extern const ActionSpec kConnectAction;
extern const ActionSpec kPingAction;
extern const ActionSpec kReadAction;
extern const ActionSpec kListenersAction;
extern const ActionSpec kInterfacesAction;
extern const ActionSpec kIdleAction;
extern const ActionSpec kResolveAction;

namespace {

const ActionSpec* const kActions[] = {
    &kServeAction, &kConnectAction,    &kPingAction, &kReadAction,
    &kListenersAction, &kInterfacesAction, &kIdleAction, &kResolveAction,
};

}  // namespace

std::span<const ActionSpec* const> all_actions() { return kActions; }

const ActionSpec* find_action(std::string_view name) {
  for (const ActionSpec* a : kActions)
    if (a->name == name) return a;
  return nullptr;
}

}  // namespace nc::probe
