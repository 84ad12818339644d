/* keys.c: see keys.h. */
#include <stdio.h>
#include <string.h>

#include "detachkeys.h"
#include "keys.h"

static const struct action {
	const char *name, *keys, *help;
} actions[ACT__COUNT] = {
	[ACT_FOCUS_NEXT] = {"focus-next", "o", "focus the next pane (arrows: the one that way)"},
	[ACT_SPLIT_BELOW] = {"split-below", "\"-", "split the pane: a new one below it"},
	[ACT_SPLIT_RIGHT] = {"split-right", "%|", "split the pane: a new one beside it"},
	[ACT_NEW_PANE] = {"new-pane", "c", "a new pane on a sandbox you pick"},
	[ACT_ZOOM] = {"zoom", "z", "zoom the pane to the whole screen, and back"},
	[ACT_GROW_LEFT] = {"grow-left", "H", "move the pane's left border left"},
	[ACT_GROW_DOWN] = {"grow-down", "J", "move the pane's lower border down"},
	[ACT_GROW_UP] = {"grow-up", "K", "move the pane's upper border up"},
	[ACT_GROW_RIGHT] = {"grow-right", "L", "move the pane's right border right"},
	[ACT_SWAP_PREV] = {"swap-prev", "{", "swap the pane with the previous one"},
	[ACT_SWAP_NEXT] = {"swap-next", "}", "swap the pane with the next one"},
	[ACT_BROADCAST] = {"broadcast", "b", "broadcast: type into every pane at once, on/off"},
	[ACT_CLOSE] = {"close", "x", "close the pane (its session goes on: sbx ps)"},
	[ACT_KILL] = {"kill", "X", "kill the pane's process (SIGKILL)"},
	[ACT_COPY_MODE] = {"copy-mode", "[", "copy mode: arrows, PgUp PgDn, / n N search, v selects, Enter copies"},
	[ACT_DETACH] = {"detach", "d", "detach: every session goes on; sbx ui --resume"},
	[ACT_HELP] = {"help", "?", "this help"},
};

const char *keymap_action_help(enum ui_action a)
{
	return a >= 0 && a < ACT__COUNT ? actions[a].help : "";
}

enum ui_action keymap_find(const struct keymap *km, unsigned char key)
{
	for (int a = 0; a < ACT__COUNT; a++)
		for (size_t i = 0; i < km->n[a]; i++)
			if (km->key[a][i] == key)
				return (enum ui_action)a;
	return ACT_NONE;
}

static int action_by_name(const char *s, size_t n)
{
	for (int a = 0; a < ACT__COUNT; a++)
		if (strlen(actions[a].name) == n && strncmp(actions[a].name, s, n) == 0)
			return a;
	return -1;
}

static void known_list(char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int a = 0; a < ACT__COUNT && at < len; a++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", a ? ", " : "", actions[a].name);
}

int keymap_parse(struct keymap *km, const char *spec, char *err, size_t errlen)
{
	char word[64], keytext[32], known[512], why[200];
	struct detachkeys k;
	const char *p = spec ? spec : "";
	int a, other, rebound[ACT__COUNT] = {0};

	for (a = 0; a < ACT__COUNT; a++) {
		km->n[a] = strlen(actions[a].keys);
		memcpy(km->key[a], actions[a].keys, km->n[a]);
	}
	while (*p) {
		size_t n = strcspn(p, " \t"), eq;

		if (n == 0) {
			p++;
			continue;
		}
		if (n >= sizeof word) {
			snprintf(err, errlen, "\"%.40s...\" is too long for ACTION=KEY", p);
			return -1;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		eq = strcspn(word, "=");
		if (word[eq] != '=' || word[eq + 1] == '\0') {
			snprintf(err, errlen, "\"%s\" is not ACTION=KEY (zoom=Z, detach=ctrl-d)", word);
			return -1;
		}
		if ((a = action_by_name(word, eq)) < 0) {
			known_list(known, sizeof known);
			snprintf(err, errlen, "unknown action \"%.*s\"; the actions are: %s", (int)eq, word,
				 known);
			return -1;
		}
		snprintf(keytext, sizeof keytext, "%s", word + eq + 1);
		if (detachkeys_parse(keytext, &k, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: %s", word, why);
			return -1;
		}
		if (k.n != 1) {
			snprintf(err, errlen, "%s: give one key, such as Z or ctrl-d", word);
			return -1;
		}
		other = keymap_find(km, k.v[0]);
		if (other >= 0 && other != a && rebound[other]) {
			snprintf(err, errlen, "%s: the key is %s's already", word, actions[other].name);
			return -1;
		}
		if (other >= 0 && other != a) {
			/* A key taken from a default is given up by it; a key
			 * two rebindings want is a mistake. */
			size_t j = 0;
			for (size_t i = 0; i < km->n[other]; i++)
				if (km->key[other][i] != k.v[0])
					km->key[other][j++] = km->key[other][i];
			km->n[other] = j;
		}
		km->key[a][0] = k.v[0];
		km->n[a] = 1;
		rebound[a] = 1;
	}
	return 0;
}
