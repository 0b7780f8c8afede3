#!/usr/bin/env node
// Committed launcher so npm can link the binary before the build has produced dist/.
import '../dist/bin.js';
