package output

import (
	"bytes"
	"testing"
)

// Columns line up by display width: East Asian wide characters take two
// columns, combining marks none; the last column is not padded.
func TestWriteTableWidths(t *testing.T) {
	var buf bytes.Buffer
	err := WriteTable(&buf, []string{"NAME", "REGION", "NOTE"}, [][]string{
		{"web-1", "CN-Hong Kong", "-"},
		{"数据库", "ap-southeast-3", "e\u0301t\u00e9"},
		{"x", "", ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "NAME    REGION          NOTE\n" +
		"web-1   CN-Hong Kong    -\n" +
		"数据库  ap-southeast-3  e\u0301t\u00e9\n" +
		"x\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	for s, w := range map[string]int{"": 0, "abc": 3, "数据": 4, "e\u0301": 1, "ｆｕｌｌ": 8} {
		if got := displayWidth(s); got != w {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, w)
		}
	}
}
