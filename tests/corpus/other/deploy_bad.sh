#!/bin/sh
curl -k -o /tmp/app.tgz https://artifacts.internal/app.tgz  # expect: insecure-tls-verify
# TODO: verify the checksum (expect: unresolved-todo)
