#!/usr/bin/env node
import '../dist/cmd/shghar.js';
