// A catch-all HTTP server for the test bed's `catch-all` fixture: 200 and the same body for every
// path. One process serving every connection: no gap between connections, unlike an `nc -l` loop.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	body := fmt.Sprintf("<h1>catch-all %s</h1>\n", os.Getenv("CATCH_ALL_VERSION"))
	err := http.ListenAndServe(":80", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, body)
	}))
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
