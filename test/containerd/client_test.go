package containerd_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"genodego/test/harness/genodeunix"
	leases "github.com/containerd/containerd/api/services/leases/v1"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// dialContainerd connects to containerd's gRPC socket from the host, as a genode component's
// Dial("unix", path) does (test/harness/genodeunix).
func dialContainerd(t *testing.T) *grpc.ClientConn {
	t.Helper()
	dialSock, err := genodeunix.Dialer(filepath.Join(stackDir, "run", "containerd.sock"))
	if err != nil {
		t.Fatal(err)
	}
	dial := func(ctx context.Context, _ string) (net.Conn, error) { return dialSock(ctx) }
	conn, err := grpc.NewClient("passthrough:///containerd", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(dial))
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

type leaseResource struct{ id, typ string }

// addLeaseResources adds res to lease id of namespace ns through containerd's leases service and
// returns how many resources the lease then holds.
func addLeaseResources(t *testing.T, ns, id string, res []leaseResource) int {
	t.Helper()
	conn := dialContainerd(t)
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "containerd-namespace", ns)
	c := leases.NewLeasesClient(conn)
	for _, r := range res {
		if _, err := c.AddResource(ctx, &leases.AddResourceRequest{ID: id, Resource: &leases.Resource{ID: r.id, Type: r.typ}}); err != nil {
			t.Fatalf("lease %s: adding %s %s: %v", id, r.typ, r.id, err)
		}
	}
	lr, err := c.ListResources(ctx, &leases.ListResourcesRequest{ID: id})
	if err != nil {
		t.Fatalf("lease %s: listing resources: %v", id, err)
	}
	return len(lr.Resources)
}

// checkBolt opens each bbolt database read-only and runs bbolt's consistency check on it (the
// stack must be down: nothing else may hold them).
func checkBolt(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := boltCheck(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func boltCheck(path string) error {
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		var errs []string
		for err := range tx.Check() {
			errs = append(errs, err.Error())
		}
		if len(errs) > 0 {
			return fmt.Errorf("bbolt check: %s", strings.Join(errs, "; "))
		}
		return nil
	})
}

// boltFiles are containerd's databases in the stack: the metadata store and the snapshotter's.
func boltFiles() []string {
	return []string{
		filepath.Join(stackDir, "root", "io.containerd.metadata.v1.bolt", "meta.db"),
		filepath.Join(stackDir, "root", "io.containerd.snapshotter.v1.native", "metadata.db"),
		filepath.Join(stackDir, "run", "io.containerd.mount-manager.v1.bolt", "mounts.db"),
	}
}
