package main

import (
	"crypto/tls"
	"fmt"
	"net/http"

	"github.com/fake-org/fastrouter" // expect: hallucinated-import
	"github.com/gin-gonic/gin"
	"example.com/myapp/internal/db"
)

var client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // expect: insecure-tls-verify

func main() {
	fmt.Println(gin.Version, db.Name, fastrouter.New)
}
