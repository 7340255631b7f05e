package textdiff

import "testing"

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b []byte
		want string
	}{
		{"equal", []byte("a\nb\n"), []byte("a\nb\n"), ""},
		{"one line changed", []byte("a\nb\nc\n"), []byte("a\nx\nc\n"),
			"--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n"},
		{"new file", nil, []byte("a\n"),
			"--- /dev/null\n+++ b/f\n@@ -0,0 +1,1 @@\n+a\n"},
		{"deleted file", []byte("a\n"), nil,
			"--- a/f\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n"},
		{"appended line", []byte("1\n2\n3\n4\n5\n6\n"), []byte("1\n2\n3\n4\n5\n6\n7\n"),
			"--- a/f\n+++ b/f\n@@ -4,3 +4,4 @@\n 4\n 5\n 6\n+7\n"},
		{"two hunks", []byte("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"), []byte("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n"),
			"--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n@@ -9,4 +10,3 @@\n 9\n 10\n 11\n-12\n"},
		{"no newline at end", []byte("a"), []byte("b"),
			"--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unified("f", tt.a, tt.b); got != tt.want {
				t.Errorf("unifiedDiff:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
