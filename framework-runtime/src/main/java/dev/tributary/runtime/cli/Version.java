package dev.tributary.runtime.cli;

/** The runtime's version, from the jar manifest; {@code dev} when run from classes. */
final class Version {
    private Version() {
    }

    static String current() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
