/*
 * keys.h: what each key after sbx ui's prefix does, and the config's
 * ui-keys that rebinds them ("zoom=Z detach=ctrl-d": ACTION=KEY pairs, a
 * KEY in detach-keys syntax, one key each). Pure: the config file checks
 * the text with it, the UI looks keys up in it.
 */
#ifndef SBX_KEYS_H
#define SBX_KEYS_H

#include <stddef.h>

enum ui_action {
	ACT_FOCUS_NEXT, ACT_SPLIT_BELOW, ACT_SPLIT_RIGHT, ACT_NEW_PANE, ACT_ZOOM,
	ACT_GROW_LEFT, ACT_GROW_DOWN, ACT_GROW_UP, ACT_GROW_RIGHT, ACT_SWAP_PREV, ACT_SWAP_NEXT,
	ACT_BROADCAST, ACT_CLOSE, ACT_KILL, ACT_COPY_MODE, ACT_DETACH, ACT_HELP,
	ACT__COUNT, ACT_NONE = -1
};

#define KEYMAP_KEYS 4 /* keys per action at most */

struct keymap {
	unsigned char key[ACT__COUNT][KEYMAP_KEYS];
	size_t n[ACT__COUNT];
};

/* The defaults, then spec (NULL or "" for none) on top: a rebound action
 * answers its new key only. 0, or -1 with a one-line reason in err: an
 * unknown action (the known ones listed), a bad key, a key bound twice. */
int keymap_parse(struct keymap *km, const char *spec, char *err, size_t errlen);
enum ui_action keymap_find(const struct keymap *km, unsigned char key);
/* What the action does, for the help. */
const char *keymap_action_help(enum ui_action a);

#endif
