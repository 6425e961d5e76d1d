//go:build genode

package mount

import "os"

// SetTempMountLocation sets the temporary mount location
func SetTempMountLocation(root string) error {
	if err := os.MkdirAll(root, 0700); err != nil {
		return err
	}
	tempMountLocation = root
	return nil
}

// CleanupTempMounts has nothing to do: a Genode component mounts nothing, so
// no temporary mount can be left over from an earlier run.
func CleanupTempMounts(flags int) (warnings []error, err error) {
	return nil, nil
}
