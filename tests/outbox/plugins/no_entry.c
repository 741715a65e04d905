/* A shared object that is not a ledger plugin: it exports no ponte_ledger_entry. */
int ponte_ledger_entry_misspelled(void) { return 0; }
