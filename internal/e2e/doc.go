// Package e2e holds the end-to-end tests: the whole app started in process
// on a free port with a temporary data dir (and, for the PostgreSQL runs, a
// fresh schema on the test server), driven over real HTTP and, for the web
// pages, through headless Chromium.
package e2e
