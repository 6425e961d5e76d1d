package routercfg

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genodego/sandbox/node"
)

func TestConfig(t *testing.T) {
	cfg := Config("pods", netip.MustParsePrefix("10.88.0.1/16"), []Forward{
		{Port: 8080, ToPort: 80, To: netip.MustParseAddr("10.88.0.2")},
	})
	path := filepath.Join(t.TempDir(), "nic_router.config")
	if err := Write(path, cfg); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	for _, want := range []string{
		"+ policy | label_suffix: -> pods | domain: pods",
		"+ uplink | domain: uplink",
		"+ tcp-forward | port: 8080 | domain: pods | to: 10.88.0.2 | to_port: 80",
		"+ nat | domain: pods",
		"+ domain pods | interface: 10.88.0.1/16",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
	if _, err := node.ParseHID(data); err != nil {
		t.Errorf("the config does not parse back: %v", err)
	}
	if left, _ := filepath.Glob(path + ".*"); len(left) != 0 {
		t.Errorf("Write left %v", left)
	}
}
