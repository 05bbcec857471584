#!/usr/bin/perl
# Timestamps a serial console as it arrives: reads stdin unbuffered, splits
# on CR or LF (progress lines redraw with CR), strips escape codes, and
# prints "START_MS END_MS TEXT" per segment, where START_MS is when the
# segment's first byte arrived and END_MS when its terminator did, both in
# monotonic ms since this reader started (it starts with QEMU, in the same
# pipeline).  A segment such as "http://x/vmlinuz... ok" thus spans exactly
# one download.  The first line, "# t0 EPOCH", gives the wall-clock start
# so that packet captures can be put on the same time line.
use strict;
use warnings;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC time);
$| = 1;
my $t0 = clock_gettime(CLOCK_MONOTONIC);
printf "# t0 %.6f\n", time();
sub now_ms { return int((clock_gettime(CLOCK_MONOTONIC) - $t0) * 1000); }
my ($buf, $start) = ('', undef);
sub emit {
	my ($text, $end) = @_;
	$text =~ s/\x1b\[[0-9;?]*[a-zA-Z]//g;
	$text =~ s/\x1b[()][0-9A-Za-z]//g;
	$text =~ s/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]//g;
	print "$start $end $text\n" if $text =~ /\S/;
}
while (1) {
	my $n = sysread(STDIN, my $chunk, 4096);
	last unless $n;
	my $t = now_ms();
	for my $c (split //, $chunk) {
		$start //= $t;
		if ($c eq "\n" || $c eq "\r") {
			emit($buf, $t);
			($buf, $start) = ('', undef);
		} else {
			$buf .= $c;
		}
	}
}
emit($buf, now_ms()) if defined $start;
