/** Test scaffolding shared by the node module's tests: databases by URL and free ports. */
package dev.converge.node.testkit;
