/**
 * The mount holder's loop in Perl (Debian's `perl-base`, an essential package): the same
 * requests and answers as the `bash` loop of mount_holder.ts, made with system calls instead of
 * five programs per volume. In a restart of 200 plugins the `bash` loop's children (`losetup`
 * twice, `setpriv`, `unshare`, `sh`, `mount`) cost 12 ms of CPU per volume, a fifth of the
 * restart; here a volume is two `ioctl`s, one `fork`, `unshare` and `mount` (measured in
 * docs/performance.md, "Restart of 200 plugins (issue 23, sixth round)").
 *
 * - The loop device: `LOOP_CTL_GET_FREE` on `/dev/loop-control` (no scan, as `losetup --find`),
 *   then `LOOP_CONFIGURE` with the image and `LO_FLAGS_AUTOCLEAR` set at once, while the holder
 *   holds the device open: the device goes with its last user from its first moment, so a holder
 *   killed at any point leaves no device bound (the `bash` loop had a ~1.5 ms window between
 *   `losetup --find` and `losetup --detach`).
 * - The namespace: a forked child sets its death signal (`prctl(PR_SET_PDEATHSIG, SIGKILL)`),
 *   checks its parent is still the holder, `unshare(CLONE_NEWNS)`, makes `/` a recursive slave
 *   and mounts the device; it then waits on a pipe until the holder has opened its namespace and
 *   the volume's root, and is killed.
 * - `loop-mount` (an image an earlier daemon's device still holds) runs `mount -o loop` in that
 *   child, as before.
 *
 * Arguments after the script: a label (unused; it names the state dir in `ps`), then the
 * numbers of the system calls it makes on this architecture ({@linkcode holderSyscalls}). Like
 * the `bash` loop, it first raises its open-file limit to the hard limit (two descriptors per
 * volume: 1,000 volumes would not fit 1,024).
 */
export const PERL_HOLDER_SCRIPT = String.raw`
use strict; use warnings;
$| = 1;
my (undef, $SYS_UNSHARE, $SYS_MOUNT, $SYS_PRCTL, $SYS_GETRLIMIT, $SYS_SETRLIMIT) = @ARGV;
# Two descriptors per volume: the open-file limit up to its hard limit, as 'ulimit -n' would.
my $limit = pack('Q2', 0, 0);
if (syscall($SYS_GETRLIMIT, 7, $limit) == 0) {
  my ($soft, $hard) = unpack('Q2', $limit);
  my $raised = pack('Q2', $hard, $hard);
  syscall($SYS_SETRLIMIT, 7, $raised) if $soft < $hard;
}
my %FLAG = (ro => 1, nosuid => 2, nodev => 4, noexec => 8, sync => 16, noatime => 1024,
  nodiratime => 2048, relatime => 2097152);
my $holder = $$;
my %keep;
sub answer { my $m = join(' ', @_); $m =~ s/[\r\n]+/ /g; print "$m\n"; }
sub bind_loop {
  my ($image) = @_;
  sysopen(my $img, $image, 2) or return (undef, "losetup: cannot open $image: $!");
  sysopen(my $ctl, '/dev/loop-control', 2) or return (undef, "losetup: /dev/loop-control: $!");
  # struct loop_info64 with LO_FLAGS_AUTOCLEAR, inside struct loop_config.
  my $info = pack('Q5 L4 a64 a64 a32 Q2', (0) x 5, 0, 0, 0, 4, substr($image, 0, 63), '', '', 0, 0);
  my $config = pack('L L', fileno($img), 0) . $info . pack('Q8', (0) x 8);
  for (1 .. 50) {
    my $n = ioctl($ctl, 0x4C82, 0);
    return (undef, "losetup: no free loop device: $!") unless defined $n;
    my $dev = '/dev/loop' . (0 + $n);
    sysopen(my $lo, $dev, 2) or return (undef, "losetup: cannot open $dev: $!");
    return ($dev, $lo) if ioctl($lo, 0x4C0A, $config);
    if ($!{EINVAL} || $!{ENOTTY}) {
      # Before Linux 5.8 (no LOOP_CONFIGURE): LOOP_SET_FD, then the flag with LOOP_SET_STATUS64
      # while this holder holds the device open (closing it unbinds it if that fails).
      if (ioctl($lo, 0x4C00, fileno($img))) {
        return ($dev, $lo) if ioctl($lo, 0x4C04, $info);
        my $why = "$!"; ioctl($lo, 0x4C01, 0);
        return (undef, "losetup: cannot mark $dev: $why");
      }
    }
    return (undef, "losetup: cannot bind $dev to $image: $!") unless $!{EBUSY};
  }
  return (undef, 'losetup: every free loop device was taken meanwhile');
}
sub in_namespace {
  my ($op, $source, $target, $options) = @_;
  syscall($SYS_UNSHARE, 0x20000) == 0 or return "unshare: $!";
  # syscall() passes strings by address and wants them writable: no literals.
  my ($slash, $ext4) = ('/', 'ext4');
  syscall($SYS_MOUNT, 0, $slash, 0, 16384 | 524288, 0) == 0 or return "mount: make-rslave /: $!";
  if ($op eq 'loop-mount') {
    my $pid = open(my $out, '-|') // return "mount: fork: $!";
    if (!$pid) {
      open(STDERR, '>&', \*STDOUT);
      exec('mount', '-o', "loop,$options", '--', $source, $target) or CORE::exit(127);
    }
    local $/; my $text = <$out> // ''; close($out);
    return $? == 0 ? undef : ($text ne '' ? $text : "mount exited with $?");
  }
  my ($flags, @data) = (0);
  for (split /,/, $options) {
    if (exists $FLAG{$_}) { $flags |= $FLAG{$_} } elsif ($_ ne '') { push @data, $_ }
  }
  my $data = join(',', @data);
  return undef if syscall($SYS_MOUNT, $source, $target, $ext4, $flags,
    $data eq '' ? 0 : $data) == 0;
  return "mount: $target: wrong fs type, bad option or bad superblock on $source ($!)"
    if $!{EINVAL};
  return "mount: $target: $!";
}
while (1) {
  my @req;
  for (1 .. 5) { my $l = <STDIN>; exit 0 unless defined $l; chomp $l; push @req, $l; }
  my ($op, $image, $target, $options) = @req;
  if ($op eq 'close') {
    for (split / /, $image) { close(delete $keep{$_}) if /^\d+$/ && $keep{$_}; }
    answer('ok'); next;
  }
  my ($source, $lo, $err) = ($image, undef, undef);
  if ($op eq 'bind-mount') {
    ($source, $lo) = bind_loop($image);
    if (!defined $source) { answer('error', $lo); next; }
  } elsif ($op ne 'loop-mount') { answer('error', "unknown request $op"); next; }
  pipe(my $status_r, my $status_w) or do { answer('error', "pipe: $!"); next; };
  pipe(my $hold_r, my $hold_w) or do { answer('error', "pipe: $!"); next; };
  my $pid = fork();
  if (!defined $pid) { answer('error', "fork: $!"); next; }
  if ($pid == 0) {
    close($status_r); close($hold_w);
    syscall($SYS_PRCTL, 1, 9);
    CORE::kill('KILL', $$) if getppid() != $holder;
    my $why = in_namespace($op, $source, $target, $options);
    syswrite($status_w, defined $why ? "$why\n" : "ok\n");
    close($status_w);
    sysread($hold_r, my $byte, 1);
    CORE::kill('KILL', $$);
  }
  close($status_w); close($hold_r);
  my $answer = join('', <$status_r>); close($status_r);
  chomp $answer;
  my ($ns, $dir);
  if ($answer eq 'ok' && sysopen($ns, "/proc/$pid/ns/mnt", 0)
    && sysopen($dir, "/proc/$pid/root$target", 0)) {
    $keep{fileno($ns)} = $ns; $keep{fileno($dir)} = $dir;
    answer('ok', fileno($ns), fileno($dir));
  } else {
    answer('error', $answer ne '' && $answer ne 'ok' ? $answer : "cannot open the mount's namespace: $!");
  }
  close($hold_w); CORE::kill('KILL', $pid); waitpid($pid, 0);
  close($lo) if $lo;
}
`;

/**
 * `unshare`, `mount`, `prctl`, `getrlimit`, `setrlimit` system call numbers per architecture;
 * null elsewhere.
 */
export function holderSyscalls(arch: string = Deno.build.arch): number[] | null {
  if (arch === "x86_64") return [272, 165, 157, 97, 160];
  if (arch === "aarch64") return [97, 40, 167, 163, 164];
  return null;
}
