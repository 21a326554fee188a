package calendar

import (
	"io/fs"
	"path"
	"strings"
	"testing/fstest"
)

// withShared returns the page templates of dir, each followed by the
// definitions in shared, so that the module's pages share their partials
// (the renderer parses every page on its own).
func withShared(fsys fs.FS, dir, shared string) (fs.FS, error) {
	common, err := fs.ReadFile(fsys, shared)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".html") {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = &fstest.MapFile{Data: append(append(b, '\n'), common...)}
	}
	return out, nil
}
