package main

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"example.com/myapp/internal/db"
)

func main() {
	fmt.Println(gin.Version, db.Name, http.StatusOK)
}
