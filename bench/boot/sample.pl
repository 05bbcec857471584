#!/usr/bin/perl
# Samples taken during one boot (bench.sh with NB_BENCH_SS=1), run in the
# rig's namespace so ss sees the server's sockets:
#
#   sample.pl MS QEMU_PIDFILE EMU_PIDFILE OUT SECS
#
# Every MS ms until QEMU (its pid from QEMU_PIDFILE) has gone, at most
# SECS seconds:
#   T <epoch s>                        the sample's time (host clock)
#   L <1-min load> ...                 /proc/loadavg
#   P <who> <tid> <comm> <run ns> <runqueue wait ns> <slices> <vcsw> <nvcsw>
#                                      per thread of QEMU and of nbemu
#                                      (/proc/.../schedstat, status)
#   S <socket> <details>               `ss -tinH` of the server's port 80,
#                                      one line per socket
# ssstat.sh reads it.  Reading /proc costs no fork; ss costs one per
# sample (a few ms of CPU on this machine): 25 ms or more is reasonable.
use strict;
use warnings;
use Time::HiRes qw(time sleep);

my ($ms, $qpf, $epf, $out, $secs) = @ARGV;
die "usage: sample.pl MS QEMU_PIDFILE EMU_PIDFILE OUT SECS\n" unless defined $secs;
open(my $o, '>', $out) or die "sample.pl: $out: $!\n";
my $end = time + $secs;
my $qpid;

sub slurp { open(my $f, '<', $_[0]) or return undef; local $/; my $s = <$f>; return $s }

sub threads {
	my ($who, $pid) = @_;
	opendir(my $d, "/proc/$pid/task") or return;
	for my $tid (sort { $a <=> $b } grep { /^\d+$/ } readdir $d) {
		my $b = "/proc/$pid/task/$tid";
		my $ss = slurp("$b/schedstat") // next;
		my $st = slurp("$b/status") // next;
		my ($comm) = $st =~ /^Name:\s*(.*)$/m;
		my ($v) = $st =~ /^voluntary_ctxt_switches:\s*(\d+)/m;
		my ($nv) = $st =~ /^nonvoluntary_ctxt_switches:\s*(\d+)/m;
		$comm =~ s/\s+/_/g;
		my @s = split ' ', $ss;
		print $o "P $who $tid $comm @s[0..2] ", $v // 0, " ", $nv // 0, "\n";
	}
}

while (time < $end) {
	my $t0 = time;
	if (!$qpid) {
		my $p = slurp($qpf);
		$qpid = $1 if defined $p && $p =~ /(\d+)/;
	}
	last if $qpid && !-d "/proc/$qpid";
	if ($qpid) {
		printf $o "T %.6f\n", $t0;
		my $l = slurp('/proc/loadavg') // '';
		print $o "L $l";
		threads('qemu', $qpid);
		my $e = slurp($epf);
		threads('nbemu', $1) if defined $e && $e =~ /(\d+)/;
		# ss puts a socket's TCP details on a second, indented line:
		# one S line per socket.
		my $cur = '';
		for (`ss -tinH state established '( sport = :80 )' 2>/dev/null`) {
			chomp;
			if (/^\s/) { s/^\s+//; $cur .= " $_"; next }
			print $o "S $cur\n" if $cur ne '';
			$cur = $_;
		}
		print $o "S $cur\n" if $cur ne '';
	}
	my $left = $ms / 1000 - (time - $t0);
	sleep($left > 0.001 ? $left : 0.001);
}
close($o);
