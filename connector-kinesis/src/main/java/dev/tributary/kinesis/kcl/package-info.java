/**
 * Reading a KCL lease table (the DynamoDB table a KCL application, such as Pulsar IO's Kinesis
 * source, keeps its checkpoints in) and turning its checkpoints into this connector's offsets, so
 * that a switch from Pulsar IO neither replays nor loses records.
 */
package dev.tributary.kinesis.kcl;
