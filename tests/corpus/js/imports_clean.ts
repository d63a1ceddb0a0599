import fs from "node:fs";
import path from "path";
import express from "express";
import axios from "axios";
import { Button } from "@acme/design-system/button";
import { helper } from "./helper";
import { Card } from "@/components/Card";
import "./styles.css";

export { fs, path, express, axios, Button, helper, Card };
