// ponte: connects municipalities (creditor institutions) to the pagoPA payment node.
#include "app/cli.h"

int main(int argc, char** argv) { return ponte::app::runCli(argc, argv); }
