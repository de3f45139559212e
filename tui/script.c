#include "script.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

int script_key_code(const char *name)
{
    static const struct { const char *name; int code; } names[] = {
        {"Tab", '\t'}, {"Enter", '\n'}, {"Up", KEY_UP}, {"Down", KEY_DOWN}, {"Left", KEY_LEFT},
        {"Right", KEY_RIGHT}, {"PgUp", KEY_PPAGE}, {"PgDn", KEY_NPAGE}, {"Home", KEY_HOME},
        {"End", KEY_END}, {"S-Tab", KEY_BTAB}, {"Space", ' '}, {"Esc", 27}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].code;
    return strlen(name) == 1 ? (unsigned char)name[0] : -1;
}

bool script_parse_line(char *line, ScriptCommand *cmd)
{
    memset(cmd, 0, sizeof *cmd);
    line[strcspn(line, "\r\n")] = '\0';
    char *arg = strchr(line, ' ');
    if (arg)
        *arg++ = '\0';
    char dir[8] = "";
    if (line[0] == '\0' || line[0] == '#')
        return true;
    if (strcmp(line, "size") == 0 && arg && sscanf(arg, "%dx%d", &cmd->w, &cmd->h) == 2)
        return cmd->w >= 1 && cmd->w <= 1000 && cmd->h >= 1 && cmd->h <= 1000 && (cmd->kind = SCRIPT_SIZE);
    if (strcmp(line, "key") == 0 && arg && (cmd->key = script_key_code(arg)) >= 0)
        return (cmd->kind = SCRIPT_KEY);
    if (strcmp(line, "keys") == 0 && arg) {
        cmd->text = arg;
        return (cmd->kind = SCRIPT_KEYS);
    }
    if (strcmp(line, "click") == 0 && arg && sscanf(arg, "%d %d", &cmd->x, &cmd->y) == 2)
        return (cmd->kind = SCRIPT_CLICK);
    /* wheel ROW up|down (the pane by its row alone) or wheel COL ROW up|down */
    cmd->x = -1;
    if (strcmp(line, "wheel") == 0 && arg &&
        (sscanf(arg, "%d %d %7s", &cmd->x, &cmd->y, dir) == 3 || (cmd->x = -1, sscanf(arg, "%d %7s", &cmd->y, dir) == 2)) &&
        (strcmp(dir, "up") == 0 || strcmp(dir, "down") == 0)) {
        cmd->w = strcmp(dir, "up") == 0 ? -3 : 3;
        return (cmd->kind = SCRIPT_WHEEL);
    }
    /* wait preview: the screens over a big trace's head, the rest held back; wait loaded: the
     * whole trace (what any other command first waits for) */
    if (strcmp(line, "wait") == 0 && arg && (strcmp(arg, "preview") == 0 || strcmp(arg, "loaded") == 0)) {
        cmd->text = arg;
        return (cmd->kind = SCRIPT_WAIT);
    }
    /* wait scored N: the head's chart filled in as far as the whole's first N events */
    int end = 0;
    if (strcmp(line, "wait") == 0 && arg && sscanf(arg, "scored %d%n", &cmd->x, &end) == 1 && !arg[end] && cmd->x >= 0) {
        cmd->text = "scored";
        return (cmd->kind = SCRIPT_WAIT);
    }
    if (strcmp(line, "dump") == 0 && !arg)
        return (cmd->kind = SCRIPT_DUMP);
    return false;
}
