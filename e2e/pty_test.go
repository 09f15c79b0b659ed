//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal pair with the kernel's /dev/ptmx (no
// dependency): the master, which a test reads and types into, and the
// terminal a program runs on.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	const tiocsptlck, tiocgptn = 0x40045431, 0x80045430
	var unlock, n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), tiocsptlck, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlockpt: %v", e)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), tiocgptn, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("ptsname: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// screen renders what a terminal shows for out, as a plain terminal does
// for text: printable characters at the cursor, \r to the line's start,
// \n down, \b back. It fails on anything a terminal would obey as a
// command (ESC, C1 controls, other C0 controls): in what flexusl prints
// before asking, there must be none.
func screen(t *testing.T, out []byte) []string {
	t.Helper()
	lines := [][]rune{{}}
	row, col := 0, 0
	for i, r := range string(out) {
		switch {
		case r == '\r':
			col = 0
		case r == '\n':
			row, col = row+1, 0
			if row == len(lines) {
				lines = append(lines, []rune{})
			}
		case r == '\b':
			col = max(col-1, 0)
		case r == '\t':
			col = (col/8 + 1) * 8
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
			t.Fatalf("the terminal was sent control character %U at byte %d: %q", r, i, out)
		default:
			for len(lines[row]) <= col {
				lines[row] = append(lines[row], ' ')
			}
			lines[row][col] = r
			col++
		}
	}
	out2 := make([]string, len(lines))
	for i, l := range lines {
		out2[i] = strings.TrimRight(string(l), " ")
	}
	return out2
}

// The confirmation of a purchase of 200 instances with auto-pay, whose
// --from-file tag values hold escape sequences that once rewrote the screen
// to read "Quantity: 1": on a real terminal it reads 200, the tag shows its
// escapes as text, and Ctrl-C at the prompt cancels at once with nothing
// sent.
func TestConfirmationOnATerminalCannotBeSpoofed(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		w.WriteHeader(500)
	}))
	defer srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "purchase.yaml")
	os.WriteFile(file, []byte(`instance_name: web-1
plan_spec: hf.large.1.30m.linux
image_ref: {image_name: WordPress}
region: ap-southeast-3
purchase_quantity: 200
is_auto_pay: true
description: "shop\r\e[1A\e[2K"
tags:
  - key: env
    value: "prod\e[s\e[5A\r  Quantity:     1\e[u\e[2J\e[H"
  - key: note
    value: "\e]0;title\a\u009b31mred\b\b\b"
`), 0o600)

	master, tty := openPTY(t)
	defer master.Close()
	// --no-price: only the purchase's endpoint is served here.
	cmd := exec.Command(filepath.Join(binDirE2E, "flexusl"), "instance", "buy", "--from-file", file, "--no-price")
	cmd.Env = []string{"HOME=" + dir, "XDG_STATE_HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "TERM=xterm",
		"FLEXUSL_ENDPOINT=" + srv.URL, "FLEXUSL_TOKEN=" + E2EToken}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	defer cmd.Process.Kill()

	var mu sync.Mutex
	var got bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			got.Write(buf[:n])
			mu.Unlock()
			if err != nil { // EIO once the program has exited
				return
			}
		}
	}()
	output := func() []byte {
		mu.Lock()
		defer mu.Unlock()
		return append([]byte(nil), got.Bytes()...)
	}
	waitFor := func(s string) {
		deadline := time.Now().Add(20 * time.Second)
		for !bytes.Contains(output(), []byte(s)) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q on the terminal; got %q", s, output())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("Buy? [y/N]: ")
	shown := screen(t, output())
	var quantity []string
	for _, l := range shown {
		if strings.Contains(l, "Quantity:") {
			quantity = append(quantity, l)
		}
	}
	if len(quantity) != 2 || quantity[0] != "  Quantity:     200" || !strings.Contains(quantity[1], "Tags:") {
		t.Errorf("the screen reads:\n%s", strings.Join(shown, "\n"))
	}
	text := strings.Join(shown, "\n")
	for _, want := range []string{"  Auto-pay:     yes", `  Description:  shop^M^[[1A^[[2K`,
		`env=prod^[[s^[[5A^M  Quantity:     1^[[u^[[2J^[[H, note=^[]0;title^G^[[31mred^H^H^H`} {
		if !strings.Contains(text, want) {
			t.Errorf("the screen lacks %q:\n%s", want, text)
		}
	}

	// Ctrl-C at the prompt: the terminal sends SIGINT; flexusl stops at once.
	start := time.Now()
	master.Write([]byte{3})
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("Ctrl-C at the prompt did not end the run; terminal: %q", output())
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Ctrl-C took %s", took)
	}
	waitFor("cancelled: nothing was sent")
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130; terminal %q", code, output())
	}
	if posts.Load() != 0 {
		t.Errorf("%d requests sent", posts.Load())
	}
}
