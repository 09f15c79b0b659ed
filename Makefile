# flexusl build, test and release chores. `make test` is what CI runs.
SHELL   := /bin/bash
# The version without the tag's "v", as release builds and `go install` print it.
VERSION ?= $(patsubst v%,%,$(shell git describe --tags --always --dirty 2>/dev/null || echo dev))
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
LDFLAGS := -s -w -X github.com/flexusl/flexusl/pkg/buildinfo.Version=$(VERSION) -X github.com/flexusl/flexusl/pkg/buildinfo.Commit=$(COMMIT)
BIN     := bin/flexusl
GO      ?= go
PREFIX  ?= $(HOME)/.local
# goreleaser, pinned in its own module so that it never enters flexusl's go.mod.
GORELEASER := $(GO) tool -modfile=tools/goreleaser/go.mod goreleaser

.PHONY: all build install test lint unit completions check-completions docs check-docs bench fuzz demo clean dist dist-check man-gz

all: build

build: ## build bin/flexusl
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# Where make install puts completions and man pages, under PREFIX (the XDG
# places for PREFIX=~/.local, the system ones for PREFIX=/usr/local).
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
MANDIR      ?= $(PREFIX)/share/man

install: build ## install the binary, completions and man pages under $(PREFIX)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/flexusl
	install -m 0644 completions/flexusl.bash $(DESTDIR)$(BASHCOMPDIR)/flexusl
	install -m 0644 completions/flexusl.zsh $(DESTDIR)$(ZSHCOMPDIR)/_flexusl
	install -m 0644 completions/flexusl.fish $(DESTDIR)$(FISHCOMPDIR)/flexusl.fish
	install -m 0644 docs/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	@echo "installed $(PREFIX)/bin/flexusl, completions (bash, zsh, fish) and man pages under $(PREFIX)/share"
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) \
	  echo "Warning: $(PREFIX)/bin is not on your PATH; add it, e.g.: export PATH=\"$(PREFIX)/bin:\$$PATH\"" >&2;; esac
	@case "$(ZSHCOMPDIR)" in /usr/*) ;; *) \
	  echo "zsh: add $(ZSHCOMPDIR) to fpath before compinit (fpath=($(ZSHCOMPDIR) \$$fpath))" >&2;; esac
	@case "$(BASHCOMPDIR)" in /usr/share/bash-completion/completions|/usr/local/share/bash-completion/completions|$(HOME)/.local/share/bash-completion/completions|$${XDG_DATA_HOME:-$(HOME)/.local/share}/bash-completion/completions) ;; *) \
	  echo "bash: bash-completion does not look in $(BASHCOMPDIR); it loads completions from \$${XDG_DATA_HOME:-~/.local/share}/bash-completion/completions and /usr/share/bash-completion/completions: ln -s $(BASHCOMPDIR)/flexusl ~/.local/share/bash-completion/completions/flexusl" >&2;; esac

test: lint check-completions check-docs unit ## everything CI checks

unit:
	$(GO) test -race -count=1 ./...

lint: ## go vet (also for Windows: pkg/ui has a Windows console file), gofmt, staticcheck
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./pkg/ui/ ./pkg/config/ ./cmd/...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck ./...

completions: build ## regenerate completions/
	@for sh in bash zsh fish powershell; do \
	  ext=$$sh; [ $$sh = powershell ] && ext=ps1; \
	  $(BIN) completion $$sh > completions/flexusl.$$ext; done
	@echo "completions/ regenerated"

check-completions: build
	@tmp=$$(mktemp -d); for sh in bash zsh fish powershell; do \
	  ext=$$sh; [ $$sh = powershell ] && ext=ps1; \
	  $(BIN) completion $$sh > $$tmp/flexusl.$$ext; done; \
	  if ! diff -r $$tmp completions >/dev/null; then \
	    echo "completions/ is stale: run make completions"; diff -r $$tmp completions | head -20; rm -rf $$tmp; exit 1; fi; \
	  rm -rf $$tmp

docs: ## regenerate docs/ (markdown reference and man pages) and the cask's man page list
	$(GO) run ./docs/gen -out docs -goreleaser .goreleaser.yaml

check-docs:
	@tmp=$$(mktemp -d); cp .goreleaser.yaml $$tmp/; $(GO) run ./docs/gen -out $$tmp -goreleaser $$tmp/.goreleaser.yaml >/dev/null; \
	  if ! diff -r $$tmp/reference docs/reference >/dev/null || ! diff -r $$tmp/man docs/man >/dev/null || ! diff $$tmp/.goreleaser.yaml .goreleaser.yaml >/dev/null; then \
	    echo "docs/ (or the man pages in .goreleaser.yaml) is stale: run make docs"; diff -r $$tmp/reference docs/reference | head -20; \
	    diff $$tmp/.goreleaser.yaml .goreleaser.yaml | head -10; rm -rf $$tmp; exit 1; fi; \
	  rm -rf $$tmp

man-gz: ## docs/man compressed into build/man, for the deb and rpm
	@rm -rf build/man && mkdir -p build/man && for f in docs/man/*.1; do gzip -9n < $$f > build/man/$$(basename $$f).gz; done

dist: ## a snapshot release into dist/ (archives, checksums, deb, rpm, cask, Scoop manifest), offline; then check what they hold
	$(GORELEASER) release --snapshot --clean --skip=sign,sbom
	$(GO) run ./scripts/distcheck dist

dist-check: ## goreleaser check: the release config is valid and uses nothing deprecated
	$(GORELEASER) check

bench: ## start-up, completion, sandbox load and purchase-vs-curl figures
	$(GO) test -run '^$$' -bench . -benchtime 200x -count 1 ./e2e ./cmd ./pkg/...

fuzz: ## run every fuzz target briefly
	@for t in $$(grep -rl --include='*_test.go' '^func Fuzz' pkg | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -h '^func Fuzz' $$t/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "== $$t $$f"; $(GO) test ./$$t -run '^$$' -fuzz "^$$f$$" -fuzztime $${FUZZTIME:-10s} || exit 1; done; done

DEMO_PORT ?= 18089
demo: build ## a purchase against a local sandbox, as a new user would
	@set -e; tmp=$$(mktemp -d); \
	  export XDG_STATE_HOME=$$tmp/state XDG_CONFIG_HOME=$$tmp/config; \
	  $(BIN) sandbox --listen 127.0.0.1:$(DEMO_PORT) --complete-after 3s --quiet > $$tmp/env & pid=$$!; \
	  trap 'kill $$pid 2>/dev/null; rm -rf $$tmp' EXIT; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do [ -s $$tmp/env ] && break; sleep 0.2; done; \
	  eval "$$(head -1 $$tmp/env)"; \
	  run() { echo "\$$ flexusl $$*"; $(BIN) "$$@"; }; \
	  run instance buy --region ap-southeast-3 --name demo-web --image WordPress --spec hf.large.1.30m.linux --auto-pay --yes --wait --interval 1s; \
	  echo; run order show --last; \
	  echo; run order list

clean:
	rm -rf bin build dist
