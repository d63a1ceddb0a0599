import express from "express";
import { magic } from "react-query-auto-cache"; // expect: hallucinated-import
import { Button } from "@acme/design-system/button";

const extra = require("lodash-utils-extra"); // expect: hallucinated-import

export { express, magic, Button, extra };
