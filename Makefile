# traceaid: `make run` opens the sample traces, `make run-hdfs` the HDFS sessions, `make test`
# runs every test. They first run scripts/deps.sh, which installs missing Debian packages (as root)
# or says how.
SHELL := /bin/bash
ifeq ($(origin CC),default)
CC = gcc
endif
# CFLAGS on the command line sets the optimisation and debugging flags only: what the code needs
# (the standard, the warnings as errors, the fast-math and themes flags below) is added with
# override, and SANITIZE (the sanitizers of test-asan and test-tsan) on top, so that a sanitized
# build compiles what ships.
CFLAGS ?= -O2 -g
SANITIZE ?=
override CFLAGS += -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -MMD -MP $(SANITIZE)
# Recursive (=) so pkg-config runs only after deps.sh has installed what it asks about.
# The trace readers' libraries: compressed input, LTTng's CTF, trace-cmd's trace.dat; raw logs'
# formats and masks (PCRE2) and their template ids (nettle's MD5).
IO_PKGS = zlib liblzma libzstd babeltrace2 libtracecmd libpcre2-8 nettle
DEP_CFLAGS = $(shell pkg-config --cflags ncursesw openblas jansson $(IO_PKGS))
DEP_LIBS = -lcsv $(shell pkg-config --libs openblas ncursesw jansson $(IO_PKGS)) -lpthread -lm
TEST_CFLAGS = $(shell pkg-config --cflags cmocka)
TEST_LIBS = $(shell pkg-config --libs cmocka)

BUILD ?= build
BIN ?= traceaid
LIB_SRC := $(wildcard io/*.c model/*.c core/*.c)
SAMPLES_SRC := $(filter-out samples/flight/%,$(wildcard samples/*.c samples/*/*.c))
CLI_SRC := main.c $(wildcard cli/*.c tui/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB := $(BUILD)/libtraceaid.a
# The sample generator uses the library and is not part of it: the binary and the tests link it.
SAMPLES_OBJ := $(SAMPLES_SRC:%.c=$(BUILD)/%.o)
SAMPLES_LIB := $(BUILD)/libtraceaid-samples.a
DEPS_OK := $(BUILD)/.deps-ok
# The flight controller and the anomaly injector scripts/record.sh records (samples/flight/).
FLIGHT_BIN := $(BUILD)/samples/flight/flight $(BUILD)/samples/flight/inject

SAMPLE_DIR := samples/traces
SAMPLE_CLEAN := $(foreach n,01 02 03 04 05 06 07 08 09 10,$(SAMPLE_DIR)/clean-$(n).csv)
SAMPLE_ANOMALOUS := $(SAMPLE_DIR)/fifo-ls-01.csv $(SAMPLE_DIR)/fifo-ls-sporadic-01.csv \
                    $(SAMPLE_DIR)/full-while-01.csv $(SAMPLE_DIR)/half-while-01.csv \
                    $(SAMPLE_DIR)/half-while-02.csv
SAMPLES := $(SAMPLE_CLEAN) $(SAMPLE_ANOMALOUS)

.PHONY: all run run-generated run-hdfs test test-asan fuzz samples flight bench quality clean deps keys-doc fixture-windows fixture-hdfs
all: traceaid

deps: $(DEPS_OK)
$(DEPS_OK): scripts/deps.sh
	@bash scripts/deps.sh
	@mkdir -p $(@D) && touch $@

# The layers' elementwise loops vectorise their exponentials through glibc's vector math only
# under -ffast-math; it is kept to those files (no NaN checks live there).
FAST_MATH := -O3 -ffast-math
$(BUILD)/model/lstm.o $(BUILD)/model/gru.o $(BUILD)/model/attention.o: override CFLAGS += $(FAST_MATH)
# Scoring's scan over every logit (counting those above the target's) vectorises at -O3; no
# -ffast-math there, its verdicts must be the whole row's to the bit and NaN must stay NaN.
$(BUILD)/model/softmax_blocks.o: override CFLAGS += -O3
# Themes are looked up by name in the user's folder, then PREFIX's share/traceaid/themes, then
# the source tree's themes/; the default and mono are compiled in besides.
PREFIX ?= /usr/local
$(BUILD)/tui/theme.o: override CFLAGS += -DTHEMES_DIR='"$(abspath themes)"' -DTHEMES_SHARE_DIR='"$(PREFIX)/share/traceaid/themes"'
# traceaid --man names that installed folder.
$(BUILD)/cli/man.o: override CFLAGS += -DTHEMES_SHARE_DIR='"$(PREFIX)/share/traceaid/themes"'

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEP_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	$(AR) rcs $@ $^

$(SAMPLES_LIB): $(SAMPLES_OBJ)
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(SAMPLES_LIB) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(SAMPLES_LIB) $(LIB) $(DEP_LIBS)

$(BUILD)/tests/%: tests/%.c $(SAMPLES_LIB) $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEP_CFLAGS) $(TEST_CFLAGS) -DSHARED_DATA='"$(abspath ../shared/data)"' -DSAMPLES_DIR='"$(abspath samples)"' -DFIXTURES_DIR='"$(abspath tests/fixtures)"' -DSCREENS_DIR='"$(abspath tests/screens)"' -DFLIGHT_DIR='"$(abspath $(BUILD))/samples/flight"' \
		-o $@ $< $(SAMPLES_LIB) $(LIB) $(DEP_LIBS) $(TEST_LIBS)

# The explorer's loading worker, linked with its object over the library.
$(BUILD)/tests/test_loader: tests/test_loader.c $(BUILD)/tui/loader.o $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEP_CFLAGS) $(TEST_CFLAGS) -DFIXTURES_DIR='"$(abspath tests/fixtures)"' \
		-o $@ $< $(BUILD)/tui/loader.o $(LIB) $(NO_CURSES_LIBS) $(TEST_LIBS)

# parse's reading of its inputs (Ctrl-C between lines), linked with its objects over the library.
$(BUILD)/tests/test_parse_input: tests/test_parse_input.c $(BUILD)/cli/parse_input.o $(BUILD)/cli/progress.o $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEP_CFLAGS) $(TEST_CFLAGS) \
		-o $@ $< $(BUILD)/cli/parse_input.o $(BUILD)/cli/progress.o $(LIB) $(DEP_LIBS) $(TEST_LIBS)

# The explorer's keys without a terminal: tests and tools linked with tui/'s state and key objects
# over the library, and without ncurses.
TUI_KEYS_OBJ := $(addprefix $(BUILD)/,tui/app.o tui/events.o tui/keys.o tui/marks_keys.o tui/time_keys.o tui/theme.o tui/updater.o)
NO_CURSES_LIBS = -lcsv $(shell pkg-config --libs openblas jansson $(IO_PKGS)) -lpthread -lm
TUI_TESTS := $(BUILD)/tests/test_app_keys $(BUILD)/tests/test_app_keys_marks $(BUILD)/tests/test_themes
$(TUI_TESTS): $(BUILD)/tests/%: tests/%.c $(TUI_KEYS_OBJ) $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEP_CFLAGS) $(TEST_CFLAGS) -DDOCS_DIR='"$(abspath docs)"' -DTHEMES_DIR='"$(abspath themes)"' -DFIXTURES_DIR='"$(abspath tests/fixtures)"' \
		-o $@ $< $(TUI_KEYS_OBJ) $(LIB) $(NO_CURSES_LIBS) $(TEST_LIBS)

# docs/KEYS.md's key table, written again from tui/keys.c (test_app_keys fails while they differ).
$(BUILD)/scripts/keys_markdown: scripts/keys_markdown.c $(TUI_KEYS_OBJ) $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEP_CFLAGS) -o $@ $< $(TUI_KEYS_OBJ) $(LIB) $(NO_CURSES_LIBS)

keys-doc: $(BUILD)/scripts/keys_markdown
	$< > $(BUILD)/keys-table.md
	awk -v table=$(BUILD)/keys-table.md '/^<!-- end of the key table -->/ { while ((getline line < table) > 0) print line; skip = 0 } \
		!skip { print } /^<!-- the key table: / { skip = 1 }' docs/KEYS.md > $(BUILD)/KEYS.md
	cp $(BUILD)/KEYS.md docs/KEYS.md

# A model's training windows file from normal traces, for a model without one (scripts/windows_file.c);
# fixture-windows writes the fixture model's from generated clean flights, standing in for the
# traces it was trained on.
$(BUILD)/scripts/windows_file: scripts/windows_file.c $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEP_CFLAGS) -o $@ $< $(LIB) $(NO_CURSES_LIBS)

fixture-windows: traceaid $(BUILD)/scripts/windows_file
	@mkdir -p $(BUILD)/fixture-windows
	for seed in 1 2 3; do ./traceaid gen --kind clean --seed $$seed --events 20000 \
		-o $(BUILD)/fixture-windows/clean-$$seed.csv || exit 1; done
	$(BUILD)/scripts/windows_file tests/fixtures/flight-small.safetensors $(BUILD)/fixture-windows/clean-*.csv

# The HDFS fixture model the screen tests open: DeepLog trained by traceaid on the shared HDFS
# training sessions, seed 1, 10 epochs (eval as good as the default 30: tests/fixtures/README.md),
# with its training windows file beside it.
HDFS_DIR := ../shared/data/hdfs
fixture-hdfs: traceaid
	./traceaid train --model deeplog --seed 1 --epochs 10 -o tests/fixtures/hdfs-deeplog.safetensors \
		--sessions $(HDFS_DIR)/hdfs_train

# Every test binary runs even when one fails; the target fails if any did.
# TRACEAID_NO_CACHE: no test leaves a trace cache beside the fixtures it reads (test_trace_cache
# turns it back on for its own files).
test: $(BIN) $(TEST_BIN) $(FLIGHT_BIN)
	@failed=0; bash scripts/check_layers.sh || failed=1; for t in $(TEST_BIN); do \
		echo "== $$t"; TRACEAID_NO_CACHE=1 TRACEAID_BIN=$(abspath $(BIN)) $$t || failed=1; \
	done; exit $$failed

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer (leaks included),
# built apart in build-asan/ with a binary of its own, from the same flags as the normal build.
# tests/lsan.supp: leaks inside libraries the readers use (libtraceevent), each named there.
test-asan:
	@LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
		$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/traceaid CFLAGS="-O1 -g" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test

# The explorer's threads under ThreadSanitizer, built apart in build-tsan/: the loading worker
# with the thread that polls and cancels it (test_loader), the explorer's scripted and tmux
# runs (test_screens, test_screens_preview), scoring in parts and in batches on threads
# (test_score_parallel, test_batch_threads). OpenBLAS, not instrumented, runs single-threaded so its own threads'
# synchronisation, which the sanitizer cannot see, is not reported.
TSAN_TESTS := test_loader test_screens test_score_parallel test_screens_preview test_batch_threads
test-tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan BIN=build-tsan/traceaid CFLAGS="-O1 -g" \
		SANITIZE="-fsanitize=thread" tsan-run

.PHONY: test-tsan tsan-run
tsan-run: $(BIN) $(TSAN_TESTS:%=$(BUILD)/tests/%)
	@failed=0; for t in $(TSAN_TESTS:%=$(BUILD)/tests/%); do \
		echo "== $$t"; OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1" \
			TRACEAID_BIN=$(abspath $(BIN)) $$t || failed=1; \
	done; exit $$failed

# Clean traces differ in length: 45,000 to 54,000 events, set by the seed.
$(SAMPLE_DIR)/clean-%.csv: traceaid
	@mkdir -p $(@D)
	./traceaid gen --kind clean --seed $$((10#$*)) --events $$((45000 + (10#$*) * 997 % 10000)) -o $@

$(SAMPLE_DIR)/%.csv: traceaid
	@mkdir -p $(@D)
	name=$*; ./traceaid gen --kind $${name%-*} --seed $$((100 + 10#$${name##*-})) --events 50000 -o $@

samples: $(SAMPLES)

# The flight controller and the injector: programs of their own, outside the library.
$(BUILD)/samples/flight/%: samples/flight/%.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< -lpthread -lm
flight: $(FLIGHT_BIN)

# The sample model: seq2seq, trained on the clean samples by traceaid itself (about 15 s, once).
SAMPLE_MODEL := $(SAMPLE_DIR)/flight.safetensors
$(SAMPLE_MODEL): traceaid $(SAMPLE_CLEAN)
	./traceaid train --model seq2seq -o $@ $(SAMPLE_CLEAN)

# The real recordings (samples/recorded/, scripts/record.sh) and their model, trained on the
# clean ones at build time, once.
RECORDED_DIR := samples/recorded
RECORDED_CLEAN := $(sort $(wildcard $(RECORDED_DIR)/clean-*.perf-script.txt.xz))
RECORDED_ANOMALOUS := $(filter-out $(RECORDED_CLEAN),$(sort $(wildcard $(RECORDED_DIR)/*.perf-script.txt.xz)))
RECORDED_MODEL := $(BUILD)/recorded/flight.safetensors
$(RECORDED_MODEL): traceaid $(RECORDED_CLEAN)
	@mkdir -p $(@D)
	./traceaid train --model seq2seq -o $@ $(RECORDED_CLEAN)

# The real flights, anomalous first; run-generated opens the generated ones (machines without
# the recordings' history, or to compare).
run: traceaid $(RECORDED_MODEL)
	./traceaid $(RECORDED_ANOMALOUS) $(RECORDED_CLEAN) --model $(RECORDED_MODEL) --meanings samples/linux-meanings.txt

run-generated: traceaid $(SAMPLES) $(SAMPLE_MODEL)
	./traceaid $(SAMPLE_ANOMALOUS) $(SAMPLE_CLEAN) --model $(SAMPLE_MODEL) --meanings samples/qnx-meanings.txt

# The real HDFS sessions (HDFS_DIR, set above), the anomalous test sessions first, with a DeepLog
# model trained with the defaults on hdfs_train at build time, once (half a minute): traceaid is
# an order-only prerequisite, so that a rebuilt binary does not train it again.
HDFS_MODEL := $(BUILD)/hdfs/hdfs.safetensors
$(HDFS_MODEL): $(HDFS_DIR)/hdfs_train | traceaid
	@mkdir -p $(@D)
	./traceaid train --model deeplog -o $@ --sessions $(HDFS_DIR)/hdfs_train

run-hdfs: traceaid $(HDFS_MODEL)
	./traceaid --normal $(HDFS_DIR)/hdfs_test_normal --abnormal $(HDFS_DIR)/hdfs_test_abnormal \
		--model $(HDFS_MODEL) --meanings $(HDFS_DIR)/log_key_meanings.txt

bench: traceaid $(BUILD)/bench/bench_load $(BUILD)/bench/gen_log $(SAMPLES)
	@bash scripts/deps.sh bench
	@bash bench/run.sh

# Big traces alone (bench/big.sh, a row of make bench): 10M- and 100M-event traces generated once
# into build/bench/ (the 100M one, 6.2 GB, skipped when the disk is short; BIG_SIZES=10000000 for
# the first alone), load, held memory, second open, first screen and scoring beside their goals.
.PHONY: big-bench
big-bench: traceaid $(BUILD)/bench/bench_load $(SAMPLES)
	@bash bench/big.sh

# Log parsing alone (bench/parse.sh, a row of make bench): grouping accuracy on loghub's 16
# samples beside the published Drain figures, and lines/s against loghub's Drain.py.
# A 100,000-key vocabulary: train and score, time and memory (bench/vocab.sh, a row of make bench).
.PHONY: vocab-bench
vocab-bench: traceaid
	@bash bench/vocab.sh

.PHONY: parse-bench bgl
parse-bench: traceaid $(BUILD)/bench/gen_log
	@bash scripts/deps.sh bench
	@bash bench/parse.sh

# DeepLog on loghub's labelled BGL sample: train on normal lines, eval, explain (bench/bgl.sh).
bgl: traceaid
	@bash bench/bgl.sh

$(BUILD)/bench/%: bench/%.c $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEP_CFLAGS) -o $@ $< $(LIB) $(DEP_LIBS)

# Fuzzing with libFuzzer (Debian's clang): each reader for FUZZ_SECONDS, from tests/fuzz/corpus,
# with tests/fuzz/TARGET.dict as its dictionary and tests/fuzz/TARGET.lsan.supp as its leak
# suppressions (a library's own leaks) when there are; the slow unwinder then, so that stacks
# reach the suppressed frame through libraries built without frame pointers.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := csv sessions meanings safetensors theme script perf qnx ftrace ctf
FUZZ_BIN := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
FUZZ_FLAGS = -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	$(shell pkg-config --cflags openblas ncursesw jansson $(IO_PKGS))
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) tui/theme.c tui/script.c | $(DEPS_OK)
	@bash scripts/deps.sh fuzz
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) tui/theme.c tui/script.c -lcsv $(shell pkg-config --libs openblas ncursesw jansson $(IO_PKGS)) -lm

fuzz: $(FUZZ_BIN)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$t $(BUILD)/fuzz/crashes-$$t; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
		supp=; [ -f tests/fuzz/$$t.lsan.supp ] && supp=suppressions=$(abspath tests/fuzz/$$t.lsan.supp):fast_unwind_on_malloc=0; \
		LSAN_OPTIONS=$$supp $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 $$dict \
			-artifact_prefix=$(BUILD)/fuzz/crashes-$$t/ $(BUILD)/fuzz/corpus-$$t tests/fuzz/corpus/$$t 2>&1 | \
			grep -E '^(#[0-9]+ *DONE|Done|==[0-9]+==ERROR|SUMMARY)' || exit 1; \
	done

# Detection per anomaly kind against the generator's ground truth (bench/quality.sh).
quality: traceaid $(SAMPLES)
	@bash bench/quality.sh

# What marked false positives and `traceaid update` buy: HDFS and the recordings (bench/feedback.sh).
.PHONY: feedback
feedback: traceaid
	@bash bench/feedback.sh

# Installing: `make install` puts the binary, the themes, traceaid(1), the docs and the shell
# completions (those of completions/ that exist) under PREFIX, within DESTDIR when a package is
# staged there; `make uninstall` removes exactly those, and the folders that are traceaid's own.
# The binary installed is linked apart in $(BUILD)/install/ from the same objects, but for
# two compiled for PREFIX: tui/theme.c looks for themes in PREFIX's share folder and not in the
# source tree, cli/man.c names that folder. $(BUILD)/install/prefix holds the PREFIX they were
# compiled for, so that another rebuilds them (two objects and a link, not the whole binary).
INSTALL ?= install
INSTALL_DIR := $(BUILD)/install
INSTALL_BIN := $(INSTALL_DIR)/traceaid
INSTALL_PREFIX_OBJ := $(INSTALL_DIR)/tui/theme.o $(INSTALL_DIR)/cli/man.o
MAN_PAGE := $(BUILD)/traceaid.1
SHARE_THEMES = $(PREFIX)/share/traceaid/themes
DOC_DIR = $(PREFIX)/share/doc/traceaid
INSTALLED_THEMES := $(wildcard themes/*.theme)
INSTALLED_DOCS := $(wildcard docs/*.md)
# Each completion file that exists, and where it goes.
INSTALLED_COMPLETIONS := $(if $(wildcard completions/traceaid.bash),completions/traceaid.bash:share/bash-completion/completions/traceaid) \
                         $(if $(wildcard completions/_traceaid),completions/_traceaid:share/zsh/vendor-completions/_traceaid)
INSTALLED_FILES = $(DESTDIR)$(PREFIX)/bin/traceaid $(DESTDIR)$(PREFIX)/share/man/man1/traceaid.1 \
	$(INSTALLED_THEMES:themes/%=$(DESTDIR)$(SHARE_THEMES)/%) $(DESTDIR)$(DOC_DIR)/README.md \
	$(INSTALLED_DOCS:docs/%=$(DESTDIR)$(DOC_DIR)/docs/%) \
	$(foreach c,$(INSTALLED_COMPLETIONS),$(DESTDIR)$(PREFIX)/$(lastword $(subst :, ,$(c))))

.PHONY: install uninstall man FORCE
FORCE:
all: $(INSTALL_BIN) $(MAN_PAGE)

$(INSTALL_DIR)/prefix: FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = "$(PREFIX)" ] || echo "$(PREFIX)" > $@

$(INSTALL_PREFIX_OBJ): $(INSTALL_DIR)/%.o: %.c $(INSTALL_DIR)/prefix | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEP_CFLAGS) -DTHEMES_DIR='"$(SHARE_THEMES)"' -DTHEMES_SHARE_DIR='"$(SHARE_THEMES)"' -c $< -o $@

$(INSTALL_BIN): $(filter-out $(BUILD)/tui/theme.o $(BUILD)/cli/man.o,$(CLI_OBJ)) $(INSTALL_PREFIX_OBJ) $(SAMPLES_LIB) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(DEP_LIBS)

# traceaid(1), from the binary's own option tables (traceaid --man).
$(MAN_PAGE): $(INSTALL_BIN)
	$< --man > $@.tmp && mv $@.tmp $@
man: $(MAN_PAGE)

install: $(INSTALL_BIN) $(MAN_PAGE)
	$(INSTALL) -Dm755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/traceaid
	$(INSTALL) -Dm644 -t $(DESTDIR)$(SHARE_THEMES) $(INSTALLED_THEMES)
	$(INSTALL) -Dm644 $(MAN_PAGE) $(DESTDIR)$(PREFIX)/share/man/man1/traceaid.1
	$(INSTALL) -Dm644 -t $(DESTDIR)$(DOC_DIR) README.md
	$(INSTALL) -Dm644 -t $(DESTDIR)$(DOC_DIR)/docs $(INSTALLED_DOCS)
	$(foreach c,$(INSTALLED_COMPLETIONS),$(INSTALL) -Dm644 $(firstword $(subst :, ,$(c))) $(DESTDIR)$(PREFIX)/$(lastword $(subst :, ,$(c)));)

uninstall:
	rm -f $(INSTALLED_FILES)
	rmdir $(DESTDIR)$(SHARE_THEMES) $(DESTDIR)$(PREFIX)/share/traceaid $(DESTDIR)$(DOC_DIR)/docs $(DESTDIR)$(DOC_DIR) 2>/dev/null || true

clean:
	rm -rf build build-asan build-tsan traceaid

# A Debian package, build/traceaid_VERSION_ARCH.deb (scripts/make_deb.sh): the binary built apart
# in build/deb/ with PREFIX=/usr so that it finds the themes where the package puts them, the
# themes, the docs, the shell completions (completions/) and the man page when build/traceaid.1 is
# there. DEB_DIR sets the folder it is written to.
DEB_DIR ?= build
.PHONY: deb
deb: $(MAN_PAGE)
	@$(MAKE) --no-print-directory BUILD=build/deb BIN=build/deb/traceaid PREFIX=/usr build/deb/traceaid
	@bash scripts/make_deb.sh build/deb/traceaid $(DEB_DIR) $(MAN_PAGE)

-include $(LIB_OBJ:.o=.d) $(SAMPLES_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(INSTALL_PREFIX_OBJ:.o=.d)
