/**
 * The Kinesis source connector's configuration: its keys declared as data in
 * {@link dev.tributary.kinesis.config.KinesisSourceConfig#SCHEMA}, a typed view of a validated
 * config, and {@link dev.tributary.kinesis.config.KinesisClientFactory}, which turns that view into
 * AWS SDK clients and credentials providers.
 */
package dev.tributary.kinesis.config;
