// Copyright 2026 The Go-on-Genode Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package x509

// A Genode component sees only the files its <vfs> configuration gives it.
// These are the places a bundle is usually mounted; SSL_CERT_FILE and
// SSL_CERT_DIR (from <env>) override them.

// Possible certificate files; stop after finding one.
var certFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt", // Debian-style bundle
	"/etc/ssl/cert.pem",                  // BSD-style bundle
}

// Possible directories with certificate files; all will be read.
var certDirectories = []string{
	"/etc/ssl/certs",
}
