#!/bin/sh
curl --fail -o /tmp/app.tgz https://artifacts.internal/app.tgz
sha256sum -c app.tgz.sha256
