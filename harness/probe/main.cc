// netconform-probe: the one static agent that does every action inside a container.
// The command line is documented in README.md beside this file.
#include "harness/probe/cli.h"

int main(int argc, char** argv) { return nc::probe::probe_main(argc, argv); }
