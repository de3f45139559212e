/* Prints docs/KEYS.md's key table from the explorer's key table (tui/keys.c); `make keys-doc`
 * puts it into docs/KEYS.md, and tests/test_app_keys.c fails while the two differ. */
#include "../tui/keys.h"

int main(void)
{
    keys_write_markdown(stdout);
    return 0;
}
