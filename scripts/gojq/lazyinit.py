"""Makes gojq's function tables lazy: its two init() functions become
functions that the first Compile calls once. Fails loudly when upstream
moved, so that a new version is looked at rather than silently left
eager."""
import pathlib
import sys

d = pathlib.Path(sys.argv[1])


def patch(name, old, new):
    p = d / name
    s = p.read_text()
    if s.count(old) != 1:
        sys.exit(f"{name}: expected exactly one {old!r}: gojq changed, update lazyinit.py")
    p.write_text(s.replace(old, new))


patch("builtin.go", "func init() {", "func initBuiltinFuncDefs() {")
patch("func.go", "var internalFuncs map[string]function\n\nfunc init() {",
      "var internalFuncs map[string]function\n\n"
      "// initOnce builds the function tables on the first Compile, not when\n"
      "// the program starts (flexusl: start-up stays flat without --jq).\n"
      "var initOnce sync.Once\n\n"
      "func ensureInit() { initOnce.Do(func() { initInternalFuncs(); initBuiltinFuncDefs() }) }\n\n"
      "func initInternalFuncs() {")
patch("compiler.go", "func Compile(q *Query, options ...CompilerOption) (*Code, error) {\n",
      "func Compile(q *Query, options ...CompilerOption) (*Code, error) {\n\tensureInit()\n")
